using System.Text.Json;
using System.Text.Json.Serialization;

namespace Celeriac.Dashboard.Web;

/// <summary>
/// The API's JSON: snake_case names, as Celery and Flower write theirs, so scripts written against Flower
/// read ours the same way; nulls are left out.
/// </summary>
internal static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new UtcTimeConverter() },
    };
}
