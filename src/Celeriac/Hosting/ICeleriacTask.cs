namespace Celeriac.Hosting;

/// <summary>
/// A task written as a class, registered with <see cref="CeleriacBuilder.AddTask{TTask}(Action{Tasks.TaskOptions}?)"/>.
/// The class names its task with <see cref="Name"/> and has one public instance method <c>RunAsync</c>,
/// whose parameters bind like a task delegate's: message arguments by position or keyword, and
/// <see cref="TaskContext"/>, <see cref="CancellationToken"/>, loggers and services by type. The class is
/// resolved from a DI scope made for the run and disposed after it, so constructor dependencies such
/// as a DbContext serve exactly one run.
/// </summary>
/// <example>
/// <code>
/// public sealed class ProcessOrder(ShopDb db) : ICeleriacTask
/// {
///     public static string Name => "orders.process";
///     public async Task&lt;string&gt; RunAsync(string orderId, CancellationToken cancellationToken) { … }
/// }
/// services.AddCeleriac().AddTask&lt;ProcessOrder&gt;();
/// </code>
/// </example>
public interface ICeleriacTask
{
    /// <summary>The task's name on the wire, e.g. <c>orders.process</c>; Python peers use the same string.</summary>
    static abstract string Name { get; }
}
