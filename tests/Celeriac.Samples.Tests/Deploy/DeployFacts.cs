namespace Celeriac.Samples.Tests.Deploy;

/// <summary>What the issue decided for every container: the .NET image default port.</summary>
internal static class DeployFacts
{
    /// <summary>Both apps listen on 8080 in their containers (ASPNETCORE_HTTP_PORTS, the .NET image default).</summary>
    public const int HttpPort = 8080;

    /// <summary>Time the pod needs beyond the host's shutdown timeout: the process's exit, flushing telemetry.</summary>
    public static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(10);
}
