<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("appAuthAccountExistsBodyHtml", realmName))?no_esc}
</@layout.emailLayout>
