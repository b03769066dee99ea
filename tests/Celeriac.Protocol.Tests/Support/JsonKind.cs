namespace Celeriac.Protocol.Tests.Support;

/// <summary>
/// The kinds of JSON value a Python reader tells apart. Integer and Float are separate because
/// <c>json.loads</c> gives <c>int</c> for <c>2</c> and <c>float</c> for <c>2.0</c>.
/// </summary>
public enum JsonKind
{
    Null,
    Boolean,
    String,
    Integer,
    Float,
    Array,
    Object,
}
