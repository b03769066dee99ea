namespace WebShop.Tasks.Catalog;

/// <summary>One line of a bulk import: the body of <c>POST /imports</c> is a list of these.</summary>
public sealed record CatalogItem(string Sku, int Quantity);

/// <summary>The result of <c>catalog.import_done</c>: the chord's sum over its header.</summary>
public sealed record ImportSummary(int Items, int Units);

/// <summary>The bodies of the bulk-import chord.</summary>
public static class CatalogTasks
{
    /// <summary><c>catalog.import_item</c> (the chord's header, one per item): imports one item and returns its units.</summary>
    public static async Task<int> ImportItemAsync(CatalogItem item, CancellationToken cancellation)
    {
        if (item.Quantity < 0) throw new ArgumentOutOfRangeException(nameof(item), $"item {item.Sku} has a negative quantity {item.Quantity}");
        await Task.Yield(); // stands in for the write to a catalog store
        cancellation.ThrowIfCancellationRequested();
        return item.Quantity;
    }

    /// <summary><c>catalog.import_done</c> (the chord's body): gets every header result, in header order.</summary>
    public static ImportSummary ImportDone(int[] units) => new(units.Length, units.Sum());
}
