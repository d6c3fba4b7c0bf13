<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("appAuthEmailCodeBodyHtml", code, linkExpirationMinutes, realmName))?no_esc}
<#if link??>
${kcSanitize(msg("appAuthEmailCodeLinkHtml", link))?no_esc}
</#if>
${kcSanitize(msg("appAuthEmailCodeNotYouHtml"))?no_esc}
</@layout.emailLayout>
