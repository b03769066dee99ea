using System.Reflection;

namespace Celeriac.Tasks;

/// <summary>Awaits whatever a task delegate returns (value, Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt;) and yields the value.</summary>
internal static class AwaitableUnwrapper
{
    public static (Func<object?, ValueTask<object?>> Unwrap, Type ResultType) For(Type returnType)
    {
        if (returnType == typeof(void)) return (_ => ValueTask.FromResult<object?>(null), typeof(void));
        if (returnType == typeof(Task)) return (async r => { await ((Task)r!).ConfigureAwait(false); return null; }, typeof(void));
        if (returnType == typeof(ValueTask)) return (async r => { await ((ValueTask)r!).ConfigureAwait(false); return null; }, typeof(void));
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = returnType.GetProperty(nameof(Task<object>.Result))!;
            return (async r =>
            {
                var task = (Task)r!;
                await task.ConfigureAwait(false);
                return result.GetValue(task);
            }, returnType.GetGenericArguments()[0]);
        }
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var asTask = returnType.GetMethod(nameof(ValueTask<object>.AsTask))!;
            var result = typeof(Task<>).MakeGenericType(returnType.GetGenericArguments()[0]).GetProperty(nameof(Task<object>.Result))!;
            return (async r =>
            {
                var task = (Task)asTask.Invoke(r, null)!;
                await task.ConfigureAwait(false);
                return result.GetValue(task);
            }, returnType.GetGenericArguments()[0]);
        }
        return (r => ValueTask.FromResult(r), returnType);
    }
}
