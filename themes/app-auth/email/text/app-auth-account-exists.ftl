<#ftl output_format="plainText">
${msg("appAuthAccountExistsBody", realmName)}
