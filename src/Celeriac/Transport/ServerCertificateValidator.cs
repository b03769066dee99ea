using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Celeriac.Transport;

/// <summary>
/// Decides whether to trust the server's TLS certificate: the system's rules by default, a private
/// CA from <c>ssl_ca_certs</c>, or anything when validation is switched off. Remembers why it
/// refused, because SslStream's own message ("rejected by the provided callback") says nothing.
/// One set of rules for every broker, so <c>ssl_ca_certs</c> and <c>ssl_cert_reqs</c> mean the same on
/// <c>rediss://</c> and <c>amqps://</c>.
/// </summary>
internal sealed class ServerCertificateValidator
{
    private readonly string _host;
    private readonly bool _skipValidation;
    private readonly X509Certificate2Collection? _trustedRoots;

    /// <summary>A validator for a server reached as <paramref name="host"/>; reads the CA file now.</summary>
    /// <param name="host">The name the certificate must be issued for (for messages).</param>
    /// <param name="caCertificatesPath"><c>ssl_ca_certs</c>: a PEM file of trusted CAs, or null for the system's.</param>
    /// <param name="skipValidation"><c>ssl_cert_reqs=none</c>: accept any certificate.</param>
    /// <exception cref="IOException">The CA file cannot be read.</exception>
    public ServerCertificateValidator(string host, string? caCertificatesPath, bool skipValidation)
    {
        _host = host;
        _skipValidation = skipValidation;
        if (caCertificatesPath is { } path && !skipValidation)
        {
            try
            {
                _trustedRoots = [];
                _trustedRoots.ImportFromPemFile(path);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new IOException($"Could not read the CA certificates in '{path}' (ssl_ca_certs): {error.Message}", error);
            }
        }
    }

    /// <summary>Why the last certificate was refused, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The validation callback for <see cref="SslStream"/> and RabbitMQ.Client.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_skipValidation || errors == SslPolicyErrors.None) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return Refuse("the server sent no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse($"the certificate is not issued for '{_host}' (subject {certificate.Subject})");
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
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
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
