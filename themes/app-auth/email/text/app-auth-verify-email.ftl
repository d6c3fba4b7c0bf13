<#ftl output_format="plainText">
${msg("appAuthVerifyEmailBody", link, linkExpirationMinutes, realmName)}
