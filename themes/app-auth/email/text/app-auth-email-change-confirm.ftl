<#ftl output_format="plainText">
${msg("appAuthEmailChangeConfirmBody", link, linkExpirationMinutes, realmName, newEmail)}
