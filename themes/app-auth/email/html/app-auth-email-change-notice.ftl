<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("appAuthEmailChangeNoticeBodyHtml", link, linkExpirationMinutes, realmName, newEmail))?no_esc}
</@layout.emailLayout>
