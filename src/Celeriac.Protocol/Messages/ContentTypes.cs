namespace Celeriac.Protocol.Messages;

/// <summary>Content types Celery serializers use (docs/protocol.md §1.11) and the short names settings use.</summary>
internal static class ContentTypes
{
    /// <summary><c>application/json</c>, serializer name <c>json</c>: the default and the only one we speak.</summary>
    public const string Json = "application/json";

    /// <summary><c>application/x-python-serialize</c>, serializer name <c>pickle</c>: always refused.</summary>
    public const string Pickle = "application/x-python-serialize";

    /// <summary><c>application/x-yaml</c>, serializer name <c>yaml</c>.</summary>
    public const string Yaml = "application/x-yaml";

    /// <summary><c>application/x-msgpack</c>, serializer name <c>msgpack</c>.</summary>
    public const string MsgPack = "application/x-msgpack";

    /// <summary>
    /// Maps a serializer name as Celery settings write it (<c>json</c>) or a content type to a content type.
    /// </summary>
    public static string Resolve(string nameOrContentType) => nameOrContentType.Trim().ToLowerInvariant() switch
    {
        "json" => Json,
        "pickle" => Pickle,
        "yaml" => Yaml,
        "msgpack" => MsgPack,
        var other => other,
    };
}
