using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Celeriac.Redis.Client;

/// <summary>
/// Decides whether to trust the server's TLS certificate: the system's rules by default, a private
/// CA from <c>ssl_ca_certs</c>, or anything when validation is switched off. Remembers why it
/// refused, because SslStream's own message ("rejected by the provided callback") says nothing.
/// </summary>
internal sealed class ServerCertificateValidator
{
    private readonly RedisConnectionOptions _options;
    private readonly X509Certificate2Collection? _trustedRoots;

    public ServerCertificateValidator(RedisConnectionOptions options)
    {
        _options = options;
        if (options.CaCertificatesPath is { } path && !options.SkipCertificateValidation)
        {
            try
            {
                _trustedRoots = [];
                _trustedRoots.ImportFromPemFile(path);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new RedisConnectionException($"Could not read the CA certificates in '{path}' (ssl_ca_certs): {error.Message}", error);
            }
        }
    }

    /// <summary>Why the last certificate was refused, or null.</summary>
    public string? Problem { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_options.SkipCertificateValidation || errors == SslPolicyErrors.None) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return Refuse("the server sent no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse($"the certificate is not issued for '{_options.Host}' (subject {certificate.Subject})");
        if (_trustedRoots is null)
            return Refuse($"the certificate chain is not trusted ({Describe(chain)}); set ssl_ca_certs to the CA file, or ssl_cert_reqs=none for tests");

        // Only chain errors are left: rebuild the chain against the configured CA alone.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        return custom.Build(leaf) || Refuse($"the certificate does not chain to a CA in ssl_ca_certs ({Describe(custom)})");
    }

    private bool Refuse(string problem)
    {
        Problem = problem;
        return false;
    }

    private static string Describe(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0
            ? "no details"
            : string.Join(", ", chain.ChainStatus.Select(status => status.Status.ToString()).Distinct());
}
