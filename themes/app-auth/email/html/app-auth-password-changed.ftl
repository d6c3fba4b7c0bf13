<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("appAuthPasswordChangedBodyHtml", realmName))?no_esc}
<#if link??>
${kcSanitize(msg("appAuthSecurityNoticeLinkHtml", link, linkExpirationMinutes))?no_esc}
<#else>
${kcSanitize(msg("appAuthSecurityNoticeNoLinkHtml"))?no_esc}
</#if>
</@layout.emailLayout>
