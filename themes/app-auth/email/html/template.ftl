<#--
  The frame of every HTML mail of the app-auth email theme, the project's own mails and Keycloak's (executeActions,
  email-verification, ...): it overrides base's html/template.ftl with the same macro, emailLayout, without parameters.
  Email-client safe: tables for the layout, the look inline on the elements this file writes, a <style> block only
  for what it cannot reach (the links inside the nested body, the narrow-screen rules); no images, fonts or scripts.
  Output format HTML: ${...} is escaped; the nested bodies pass their HTML messages through kcSanitize(...)?no_esc.
-->
<#macro emailLayout>
<!DOCTYPE html>
<html<#if locale??> lang="${locale.language}"</#if><#if ltr??> dir="${ltr?then('ltr', 'rtl')}"</#if>>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${realmName!""}</title>
<!--[if mso]>
<style type="text/css">
  body, table, td, p, a { font-family: Arial, Helvetica, sans-serif !important; }
</style>
<![endif]-->
<style type="text/css">
  body { margin: 0; padding: 0; width: 100% !important; -webkit-text-size-adjust: 100%; -ms-text-size-adjust: 100%; }
  table { border-collapse: collapse; mso-table-lspace: 0pt; mso-table-rspace: 0pt; }
  .app-auth-content p { margin: 0 0 16px 0; }
  .app-auth-content a { color: #1d4ed8; text-decoration: underline; word-break: break-word; overflow-wrap: anywhere; }
  .app-auth-content strong { color: #111827; }
  a.button, .app-auth-content a.button {
    display: inline-block; padding: 12px 24px; border-radius: 6px; background-color: #1d4ed8;
    color: #ffffff !important; font-weight: bold; text-decoration: none; word-break: normal;
  }
  .app-auth-footer a { color: #6b7280; }
  @media only screen and (max-width: 600px) {
    .app-auth-outer { padding: 12px 8px !important; }
    .app-auth-card { padding: 24px 20px !important; }
    .app-auth-header { font-size: 18px !important; }
  }
</style>
</head>
<body style="margin: 0; padding: 0; background-color: #f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f3f4f6" style="width: 100%; background-color: #f3f4f6;">
  <tr>
    <td class="app-auth-outer" align="center" style="padding: 32px 16px;">
      <!--[if mso]><table role="presentation" width="560" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
      <table role="presentation" class="app-auth-container" width="100%" cellpadding="0" cellspacing="0" border="0" style="width: 100%; max-width: 560px; margin: 0 auto;">
        <tr>
          <td class="app-auth-header" style="padding: 0 4px 16px 4px; font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; font-size: 20px; line-height: 28px; font-weight: bold; color: #111827;">${realmName!""}</td>
        </tr>
        <tr>
          <td class="app-auth-card app-auth-content" bgcolor="#ffffff" style="padding: 32px; background-color: #ffffff; border: 1px solid #e5e7eb; border-radius: 8px; font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; font-size: 16px; line-height: 24px; color: #1f2937;">
<#nested>
          </td>
        </tr>
        <tr>
          <td class="app-auth-footer" style="padding: 16px 4px 0 4px; font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; font-size: 12px; line-height: 18px; color: #6b7280;">${msg("appAuthMailFooter", realmName!"")}</td>
        </tr>
      </table>
      <!--[if mso]></td></tr></table><![endif]-->
    </td>
  </tr>
</table>
</body>
</html>
</#macro>
