// Not "...Tests.WebShop" after the folder: that namespace would hide the sample's own WebShop.* namespaces
// from every file under Celeriac.Samples.Tests (WebShop.Worker would resolve to ...Tests.WebShop.Worker).
namespace Celeriac.Samples.Tests.WebShopTests;

/// <summary>
/// The WebShop tests run one class at a time: OpenTelemetry's listeners are process-wide, so two
/// shops running at once would see each other's spans and Celeriac instruments.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WebShopCollection : ICollectionFixture<WebShopCluster>
{
    public const string Name = "WebShop";
}
