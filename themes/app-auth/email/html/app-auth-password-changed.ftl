<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("appAuthPasswordChangedBodyHtml", realmName))?no_esc}
</@layout.emailLayout>
