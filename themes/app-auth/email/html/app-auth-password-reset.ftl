<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("appAuthPasswordResetBodyHtml", link, linkExpirationMinutes, realmName))?no_esc}
</@layout.emailLayout>
