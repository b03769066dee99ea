using Celeriac.TestSupport;

namespace Celeriac.Protocol.Tests.Support;

/// <summary>
/// Where the golden vectors are: <c>tests/vectors</c> in this repository (see <see cref="GoldenVectors"/>).
/// A missing folder is an error, never a skip: silently running zero golden tests would look green.
/// </summary>
public static class VectorDirectory
{
    /// <summary>Absolute path of the vectors folder; throws when it cannot be found.</summary>
    public static string Path => GoldenVectors.Directory;
}
