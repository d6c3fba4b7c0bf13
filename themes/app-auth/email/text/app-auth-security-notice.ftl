<#ftl output_format="plainText">
${msg(notice + "Body", realmName)}

<#if link??>${msg("appAuthSecurityNoticeLink", link, linkExpirationMinutes)}<#else>${msg("appAuthSecurityNoticeNoLink")}</#if>
