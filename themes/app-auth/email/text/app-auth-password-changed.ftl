<#ftl output_format="plainText">
${msg("appAuthPasswordChangedBody", realmName)}

<#if link??>${msg("appAuthSecurityNoticeLink", link, linkExpirationMinutes)}<#else>${msg("appAuthSecurityNoticeNoLink")}</#if>
