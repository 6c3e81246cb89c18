using System.Collections.Immutable;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary><c>develop.watch</c> as <c>composer watch</c> uses it: paths resolved against the project directory.</summary>
public sealed partial class Normalizer
{
    private ImmutableArray<WatchRule> DevelopWatch(YNode? develop, string at)
    {
        if ((develop as YMapping)?["watch"] is not YSequence rules) return [];
        var result = ImmutableArray.CreateBuilder<WatchRule>();
        foreach (var rule in rules.Items.OfType<YMapping>())
        {
            // The schema requires both and names the allowed actions; nothing to add to its errors here.
            if (Str(rule["path"]) is not { } path || WatchRule.ParseAction(Str(rule["action"])) is not { } action) continue;
            if (action is WatchAction.Sync or WatchAction.SyncRestart or WatchAction.SyncExec && Str(rule["target"]) is null)
                diagnostics.Error("service.develop", $"{at}.watch: target is required for sync, sync+exec and sync+restart actions", rule.Start);
            result.Add(new WatchRule
            {
                Path = context.ResolvePath(path),
                Action = action,
                Target = Str(rule["target"]),
                Ignore = List(rule["ignore"]),
                Include = List(rule["include"]),
                Exec = rule["exec"] is YMapping exec ? Hook(exec, $"{at}.watch.exec") : null,
                InitialSync = Bool(rule["initial_sync"]) || Bool(rule["x-initialSync"]),
            });
        }
        return result.ToImmutable();
    }

    private ServiceHook Hook(YMapping h, string at) => new()
    {
        Command = CommandLine(h["command"], $"{at}.command") ?? [],
        User = Str(h["user"]),
        Privileged = Bool(h["privileged"]),
        WorkingDir = Str(h["working_dir"]),
        Environment = Dict(h["environment"]),
    };
}
