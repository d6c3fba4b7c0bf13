<#ftl output_format="plainText">
${msg("appAuthPasswordChangedBody", realmName)}
