<#ftl output_format="plainText">
${msg("appAuthEmailCodeBody", code, linkExpirationMinutes, realmName)}
<#if link??>

${msg("appAuthEmailCodeLink", link)}
</#if>

${msg("appAuthEmailCodeNotYou")}
