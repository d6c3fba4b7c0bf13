<#ftl output_format="plainText">
${msg("appAuthEmailChangeNoticeBody", link, linkExpirationMinutes, realmName, newEmail)}
