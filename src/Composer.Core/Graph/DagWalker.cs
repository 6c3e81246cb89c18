namespace Composer.Core.Graph;

/// <summary>A node could not run because something it needs failed.</summary>
public sealed class DependencyFailedException(string node, string dependency, Exception cause)
    : Exception($"{node} was not started because {dependency} failed: {cause.Message}", cause)
{
    public string Node { get; } = node;
    public string Dependency { get; } = dependency;
}

/// <summary>
/// Runs a visit per node of a DAG, each as soon as every node it waits for has finished, as many at once as the
/// graph allows. A failed node fails what waits on it (with <see cref="DependencyFailedException"/>) while
/// independent branches go on. Concurrency limits belong to the visits themselves, so a waiting node holds nothing.
/// </summary>
public static class DagWalker
{
    public static async Task<IReadOnlyDictionary<TKey, Exception?>> WalkAsync<TKey>(
        IReadOnlyCollection<TKey> nodes,
        Func<TKey, IEnumerable<TKey>> waitsFor,
        Func<TKey, CancellationToken, Task> visit,
        CancellationToken cancellationToken,
        Func<TKey, TKey, bool>? propagatesFailure = null) where TKey : notnull
    {
        var tasks = new Dictionary<TKey, Task>();
        var gates = nodes.ToDictionary(n => n, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<TKey, Exception>();

        async Task Run(TKey node)
        {
            try
            {
                foreach (var dep in waitsFor(node))
                {
                    if (!gates.TryGetValue(dep, out var gate)) continue;
                    await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (failures.TryGetValue(dep, out var cause) && (propagatesFailure?.Invoke(node, dep) ?? true))
                        throw new DependencyFailedException(node.ToString()!, dep.ToString()!, cause is DependencyFailedException d ? d.InnerException ?? d : cause);
                }
                cancellationToken.ThrowIfCancellationRequested();
                await visit(node, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failures[node] = e;
            }
            finally
            {
                gates[node].TrySetResult();
            }
        }

        foreach (var node in nodes) tasks[node] = Run(node);
        await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        return nodes.ToDictionary(n => n, n => failures.TryGetValue(n, out var e) ? e : null);
    }
}
