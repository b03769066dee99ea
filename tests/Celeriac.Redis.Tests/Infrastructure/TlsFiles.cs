using System.Diagnostics;

namespace Celeriac.Redis.Tests.Infrastructure;

/// <summary>A self-signed certificate for <c>localhost</c> / <c>127.0.0.1</c>, made with openssl in a temp dir.</summary>
internal sealed record TlsFiles(string CertificatePath, string KeyPath)
{
    public static async Task<TlsFiles> CreateAsync(string directory)
    {
        var openssl = ExternalTool.Require("openssl", "apt-get install openssl");
        var certificate = Path.Combine(directory, "redis.crt");
        var key = Path.Combine(directory, "redis.key");
        var start = new ProcessStartInfo(openssl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
        }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"openssl failed ({process.ExitCode}): {await errors}");
        return new TlsFiles(certificate, key);
    }
}
