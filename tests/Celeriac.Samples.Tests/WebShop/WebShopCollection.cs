namespace Celeriac.Samples.Tests.WebShop;

/// <summary>
/// The WebShop tests run one class at a time: OpenTelemetry's listeners are process-wide, so two
/// shops running at once would see each other's spans and Celeriac instruments.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WebShopCollection : ICollectionFixture<WebShopCluster>
{
    public const string Name = "WebShop";
}
