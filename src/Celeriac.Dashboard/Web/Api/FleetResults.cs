using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// The fleet endpoints' answers and error mapping, in one place: every failure is <c>{"error": "…"}</c> with its
/// status (API16.md) — bad input 400, unknown name 404, broker, backend or store down 503 — never a stack trace.
/// </summary>
internal static class FleetResults
{
    public static IResult Json(object? value, int status = StatusCodes.Status200OK) => Results.Json(value, DashboardJson.Options, statusCode: status);

    /// <summary>An error answer; for an action it is also the audit row's outcome (<see cref="ApiError"/>).</summary>
    public static IResult Error(HttpContext context, int status, string message) => ApiError.Json(context, status, message);

    /// <summary>A failed action's answer with more than the error in it (the worker's reply), recorded in the audit row as <paramref name="error"/>.</summary>
    public static IResult Failed(HttpContext context, int status, string error, object value)
    {
        Security.ActionAudit.Of(context)?.Fail(error);
        return Json(value, status);
    }

    /// <summary>What an action's audit row says it acted on and with what (no-op outside an action).</summary>
    public static void Audit(HttpContext context, string target, JsonNode? detail)
    {
        if (Security.ActionAudit.Of(context) is not { } audit) return;
        audit.Target = target;
        audit.Detail = detail?.ToJsonString();
    }

    /// <summary>Runs an endpoint's work, answering its failures as the contract says.</summary>
    public static async Task<IResult> RunAsync(HttpContext context, Func<Task<IResult>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            throw; // the client went away: nobody reads an answer
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException or TimeZoneNotFoundException)
        {
            return Error(context, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (KeyNotFoundException e)
        {
            return Error(context, StatusCodes.Status404NotFound, e.Message);
        }
        catch (Exception e)
        {
            return Error(context, StatusCodes.Status503ServiceUnavailable, $"unavailable (broker, backend or store): {OneLine(e.Message)}");
        }
    }

    /// <summary>The request's JSON object body; an empty object when there is none.</summary>
    /// <exception cref="ArgumentException">The body is not a JSON object.</exception>
    public static async Task<JsonObject> BodyAsync(HttpRequest request)
    {
        if (request.ContentLength is 0) return [];
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            // An empty chunked body reads as "no JSON": treat it as no body.
            if (e.BytePositionInLine == 0 && e.LineNumber == 0) return [];
            throw new ArgumentException($"the body is not JSON: {e.Message}", e);
        }
        return node switch
        {
            null => [],
            JsonObject o => o,
            _ => throw new ArgumentException("the body must be a JSON object"),
        };
    }

    public static string? String(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => throw new ArgumentException($"{name} must be a string"),
    };

    public static int? Int(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue => (int)d,
        JsonValue v when v.TryGetValue<string>(out var s) && int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var p) => p,
        _ => throw new ArgumentException($"{name} must be a whole number"),
    };

    public static double? Double(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var p) => p,
        _ => throw new ArgumentException($"{name} must be a number"),
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
