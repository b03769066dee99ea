using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// Flower's request arguments: tornado's <c>get_argument</c> reads the query string and a form body alike
/// (<c>POST /api/task/timeout/x</c> with <c>soft=30&amp;hard=100</c>), so ours does too.
/// </summary>
internal sealed class FlowerArguments
{
    private readonly IQueryCollection _query;
    private readonly IFormCollection? _form;

    private FlowerArguments(IQueryCollection query, IFormCollection? form)
    {
        _query = query;
        _form = form;
    }

    public static async Task<FlowerArguments> ReadAsync(HttpRequest request) =>
        new(request.Query, request.HasFormContentType ? await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false) : null);

    public string? String(string name)
    {
        if (_query.TryGetValue(name, out var q) && q.Count > 0) return q[^1];
        return _form is not null && _form.TryGetValue(name, out var f) && f.Count > 0 ? f[^1] : null;
    }

    public string Required(string name) => String(name) is { Length: > 0 } value ? value : throw new ArgumentException($"Missing argument {name}");

    public int? Int(string name) => String(name) is not { Length: > 0 } s ? null
        : int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new ArgumentException($"{name} must be a whole number, not '{s}'");

    public double? Double(string name) => String(name) is not { Length: > 0 } s ? null
        : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"{name} must be a number, not '{s}'");

    /// <summary>Tornado's <c>type=bool</c>: anything but empty, <c>0</c>, <c>false</c> is true.</summary>
    public bool Bool(string name) => String(name) is { } s && s.Length > 0 && s != "0" && !s.Equals("false", StringComparison.OrdinalIgnoreCase);
}
