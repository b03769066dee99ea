using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Celeriac.RabbitMQ.Connection;

/// <summary>
/// Whether to trust the broker's TLS certificate: the system's rules by default, a private CA from
/// <c>ssl_ca_certs</c>, or anything with <c>ssl_cert_reqs=none</c> (tests only). The same rules as
/// the Redis transport's <c>rediss://</c>, so one set of URL options means the same on both brokers.
/// </summary>
internal sealed class AmqpCertificateCheck
{
    private readonly AmqpSettings _settings;
    private readonly X509Certificate2Collection? _trustedRoots;

    /// <summary>A check for <paramref name="settings"/>; reads the CA file now.</summary>
    /// <exception cref="IOException">The CA file cannot be read.</exception>
    public AmqpCertificateCheck(AmqpSettings settings)
    {
        _settings = settings;
        if (settings.CaCertificatesPath is { } path && !settings.SkipCertificateValidation)
        {
            try
            {
                _trustedRoots = [];
                _trustedRoots.ImportFromPemFile(path);
            }
            catch (Exception error) when (error is UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new IOException($"Could not read the CA certificates in '{path}' (ssl_ca_certs): {error.Message}", error);
            }
        }
    }

    /// <summary>The validation callback.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_settings.SkipCertificateValidation || errors == SslPolicyErrors.None) return true;
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0) return false;
        if (_trustedRoots is null) return false;
        // Only chain errors are left: rebuild the chain against the configured CA alone.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }
}
