<#ftl output_format="plainText">
${msg("appAuthPasswordResetBody", link, linkExpirationMinutes, realmName)}
