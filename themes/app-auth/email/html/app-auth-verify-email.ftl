<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("appAuthVerifyEmailBodyHtml", link, linkExpirationMinutes, realmName))?no_esc}
</@layout.emailLayout>
