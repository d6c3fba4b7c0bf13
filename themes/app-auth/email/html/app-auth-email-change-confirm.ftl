<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("appAuthEmailChangeConfirmBodyHtml", link, linkExpirationMinutes, realmName, newEmail))?no_esc}
</@layout.emailLayout>
