using Microsoft.AspNetCore.Http;

namespace Celeriac.Dashboard.Web;

/// <summary>
/// The API's error shape, <c>{"error": "one sentence"}</c>, with its status. An action's error is also what its
/// audit row records (<see cref="Security.ActionAudit"/>), so handlers return errors through here.
/// </summary>
internal static class ApiError
{
    public static IResult BadRequest(HttpContext context, string message) => Json(context, StatusCodes.Status400BadRequest, message);

    public static IResult NotFound(HttpContext context, string message) => Json(context, StatusCodes.Status404NotFound, message);

    public static IResult Conflict(HttpContext context, string message) => Json(context, StatusCodes.Status409Conflict, message);

    public static IResult Unavailable(HttpContext context, string message) => Json(context, StatusCodes.Status503ServiceUnavailable, message);

    public static IResult Json(HttpContext context, int status, string message)
    {
        Security.ActionAudit.Of(context)?.Fail(message);
        return Results.Json(new ErrorBody(message), DashboardJson.Options, statusCode: status);
    }

    /// <summary>Writes the error directly (for the guard, which runs outside a handler's result).</summary>
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(message), DashboardJson.Options);
    }
}

/// <summary>The body of every error response.</summary>
/// <param name="Error">One sentence saying what was wrong.</param>
internal sealed record ErrorBody(string Error);
