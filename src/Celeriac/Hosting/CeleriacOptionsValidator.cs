using Celeriac.Beat;
using Celeriac.Worker;
using Microsoft.Extensions.Options;

namespace Celeriac.Hosting;

/// <summary>
/// Checks the options when the host starts (<c>ValidateOnStart</c>), so a bad setting stops the host
/// with a message naming it instead of surfacing at the first send: <see cref="CeleriacOptions.Validate"/>'s
/// checks, a transport for the broker and backend URL schemes, and each hosted worker's and beat's settings.
/// </summary>
internal sealed class CeleriacOptionsValidator(CeleriacRegistrations registrations) : IValidateOptions<CeleriacOptions>
{
    public ValidateOptionsResult Validate(string? name, CeleriacOptions options)
    {
        var problems = new List<string>();
        try
        {
            options.Validate();
            // The URLs are well formed: is there a transport for them?
            if (!options.Providers.HasTransport(Scheme(options.BrokerUrl)))
                problems.Add(MissingProvider("broker_url", "a transport", options.BrokerUrl, options.Providers.TransportSchemes));
            if (!CeleriacOptions.IsDisabled(options.ResultBackend) && !options.Providers.HasBackend(Scheme(options.ResultBackend!)))
                problems.Add(MissingProvider("result_backend", "a result backend", options.ResultBackend!, options.Providers.BackendSchemes));
        }
        catch (ArgumentException ex)
        {
            problems.Add(ex.Message);
        }

        for (var i = 0; i < registrations.Workers.Count; i++)
        {
            try
            {
                var worker = WorkerOptions.From(options);
                registrations.Workers[i]?.Invoke(worker);
                worker.Validate();
            }
            catch (ArgumentException ex)
            {
                problems.Add($"AddWorker{(registrations.Workers.Count > 1 ? $" #{i + 1}" : "")}: {ex.Message}");
            }
        }
        for (var i = 0; i < registrations.Beats.Count; i++)
        {
            var beat = BeatOptions.From(options);
            registrations.Beats[i]?.Invoke(beat);
            if (BeatProblem(beat) is { } problem) problems.Add($"AddBeat{(registrations.Beats.Count > 1 ? $" #{i + 1}" : "")}: {problem}");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static string Scheme(string url) => url[..url.IndexOf("://", StringComparison.Ordinal)];

    private static string MissingProvider(string setting, string what, string url, IEnumerable<string> known) =>
        $"{setting} '{Control.Mailbox.Commands.SettingsMask.Url(url)}' needs {what} for '{Scheme(url)}://' (known: {string.Join(", ", known.Select(k => k + "://"))}); " +
        "add it on the builder: UseRedis() (package Celeriac.Redis) or UseRabbitMq() (package Celeriac.RabbitMQ)";

    private static string? BeatProblem(BeatOptions beat)
    {
        if (string.IsNullOrWhiteSpace(beat.ScheduleName)) return "BeatOptions.ScheduleName must not be empty";
        if (beat.LeaseDuration <= TimeSpan.Zero) return $"BeatOptions.LeaseDuration must be positive (got {beat.LeaseDuration})";
        if (beat.LeaseRenewInterval <= TimeSpan.Zero || beat.LeaseRenewInterval >= beat.LeaseDuration)
            return $"BeatOptions.LeaseRenewInterval must be positive and shorter than LeaseDuration {beat.LeaseDuration} (got {beat.LeaseRenewInterval})";
        if (beat.MaxLoopInterval <= TimeSpan.Zero) return $"BeatOptions.MaxLoopInterval (beat_max_loop_interval) must be positive (got {beat.MaxLoopInterval})";
        return null;
    }
}
