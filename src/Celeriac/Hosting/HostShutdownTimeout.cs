using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Hosting;

/// <summary>
/// Reads the host's <c>HostOptions.ShutdownTimeout</c>. <c>HostOptions</c> lives in
/// Microsoft.Extensions.Hosting, which this package does not reference (it depends on the
/// abstractions only, so a plain library or a test harness pulls in no host), so it is looked up by
/// name in the container; without a host it is the Generic Host's default, 30 s.
/// </summary>
internal static class HostShutdownTimeout
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    private static readonly Type? OptionsType =
        Type.GetType("Microsoft.Extensions.Hosting.HostOptions, Microsoft.Extensions.Hosting", throwOnError: false) is { } hostOptions
            ? typeof(Microsoft.Extensions.Options.IOptions<>).MakeGenericType(hostOptions)
            : null;

    public static TimeSpan From(IServiceProvider services)
    {
        if (OptionsType is null || services.GetService(OptionsType) is not { } options) return Default;
        var value = OptionsType.GetProperty("Value")!.GetValue(options);
        return value?.GetType().GetProperty("ShutdownTimeout")?.GetValue(value) is TimeSpan timeout ? timeout : Default;
    }
}
