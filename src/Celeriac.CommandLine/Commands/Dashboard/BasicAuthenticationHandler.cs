using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Celeriac.CommandLine.Commands.Dashboard;

/// <summary>
/// HTTP Basic authentication (RFC 7617) against <see cref="BasicCredentials"/>, for the standalone dashboard's
/// <c>--basic-auth</c>: enough for one team behind TLS; an app that mounts the dashboard uses its own scheme.
/// </summary>
internal sealed class BasicAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, BasicCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("The Basic credentials are not base64."));
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !credentials.Matches(decoded[..colon], decoded[(colon + 1)..]))
            return Task.FromResult(AuthenticateResult.Fail("Wrong user or password."));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, credentials.User)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"Celeriac dashboard\", charset=\"UTF-8\"";
        Response.StatusCode = 401;
        return Task.CompletedTask;
    }
}
