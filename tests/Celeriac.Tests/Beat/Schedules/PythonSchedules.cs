using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>
/// Runs <c>python/celery_schedules.py</c> once with <c>/usr/bin/python3</c> (or <c>CELERIAC_PYTHON</c>)
/// to get Python Celery 5.2.6's answers for a batch of cases. A missing interpreter or Celery
/// fails the test, in CI and elsewhere: parity cannot be claimed without the other side.
/// </summary>
internal static class PythonSchedules
{
    public static string Interpreter => Environment.GetEnvironmentVariable("CELERIAC_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>Sends <paramref name="request"/> on stdin and returns the script's JSON answer.</summary>
    public static async Task<JsonObject> AskAsync(JsonObject request)
    {
        File.Exists(Interpreter).Should().BeTrue($"{Interpreter} runs Python Celery 5.2.6 for the parity tests (apt-get install python3-celery)");
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "python", "celery_schedules.py"));
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        await python.StandardInput.WriteAsync(request.ToJsonString());
        python.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await python.WaitForExitAsync(timeout.Token);
        python.ExitCode.Should().Be(0, await error);
        var answer = JsonNode.Parse(await output)!.AsObject();
        ((string)answer["celery"]!).Should().Be("5.2.6", "parity is with Celery 5.2.6");
        return answer;
    }
}
