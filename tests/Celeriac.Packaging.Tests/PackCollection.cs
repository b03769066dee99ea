namespace Celeriac.Packaging.Tests;

/// <summary>The tests that run <c>dotnet pack</c>: one at a time, as packing the tool publishes into its bin folder.</summary>
[CollectionDefinition(Name)]
public sealed class PackCollection
{
    public const string Name = "dotnet pack";
}
