using System.CommandLine;
using Composer.Cli.Output;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Graph;
using Composer.Core.Planning;

namespace Composer.Cli.Commands;

/// <summary>Executes a plan with the chosen progress output and reports failures by service; exit 0 or 1.</summary>
internal static class PlanRunner
{
    public static async Task<int> RunAsync(Plan plan, IEngine engine, GlobalOptions global, ParseResult parse, CancellationToken cancellationToken)
    {
        foreach (var warning in plan.Warnings) Console.Error.WriteLine($"WARN[0000] {warning}");
        if (plan.IsEmpty) return ExitCodes.Ok;
        var ansi = parse.GetValue(global.Ansi) ?? "auto";
        var mode = ProgressPrinter.ResolveMode(parse.GetValue(global.Progress) ?? "auto", ansi);
        var sink = ProgressPrinter.Create(mode, ansi);
        var executor = new PlanExecutor(engine, sink, global.ParallelLimit(parse));
        ExecutionResult result;
        try
        {
            result = await executor.ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (sink is IAsyncDisposable live) await live.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var warning in result.Warnings) Console.Error.WriteLine($"WARN[0000] {warning}");
        if (result.Succeeded) return ExitCodes.Ok;
        cancellationToken.ThrowIfCancellationRequested();

        var byId = plan.Operations.ToDictionary(o => o.Id);
        foreach (var (id, error) in result.Failures.Where(f => f.Error is not DependencyFailedException).OrderBy(f => f.Id, StringComparer.Ordinal))
        {
            var op = byId[id];
            // A dependency's condition names its service itself, as Compose words it.
            var who = op.Service is null || error is ConditionFailedException ? "" : $"service \"{op.Service}\": ";
            Console.Error.WriteLine($"Error: {who}{error.Message}");
        }
        var skipped = result.Failures.Where(f => f.Error is DependencyFailedException && byId[f.Id] is not WaitContainer).Select(f => byId[f.Id].Service).OfType<string>().Distinct().Order().ToList();
        if (skipped.Count > 0) Console.Error.WriteLine($"Error: not started because a dependency failed: {string.Join(", ", skipped)}");
        return ExitCodes.Failure;
    }
}
