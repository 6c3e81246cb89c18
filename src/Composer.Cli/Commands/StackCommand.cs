using System.CommandLine;
using System.Globalization;
using Composer.Core.Model;
using Composer.Core.Stack;

namespace Composer.Cli.Commands;

/// <summary>
/// <c>composer stack</c>: the project on a Docker Swarm, under docker stack's names and labels (the project name is the
/// stack name). Parses and renders only; the work is <see cref="StackActions"/>'s.
/// </summary>
internal static class StackCommand
{
    public static Command Create(GlobalOptions global)
    {
        var stack = new Command("stack", "Deploy the project to a Docker Swarm (the engine must be a manager), in dependency order");
        stack.Add(Deploy(global));
        stack.Add(Plan(global));
        stack.Add(Ps(global));
        stack.Add(Services(global));
        stack.Add(Remove(global));
        stack.Add(Watch(global));
        return stack;
    }

    /// <summary>Swarm VIPs and the ingress routing mesh need IPVS in the kernel; without it only dnsrr and host-mode ports answer.</summary>
    private static bool IpvsAvailable() => File.Exists("/proc/net/ip_vs");

    private static Command Deploy(GlobalOptions global)
    {
        var prune = new Option<bool>("--prune") { Description = "Remove services that are no longer in the compose file" };
        var detach = new Option<bool>("--detach", "-d") { Description = "Return once the calls are made, without waiting for dependencies or convergence" };
        var timeout = new Option<int>("--wait-timeout") { Description = "Seconds to wait for every service to converge", DefaultValueFactory = _ => 300 };
        var command = new Command("deploy", "Create or update the stack's networks, configs, secrets and services; waits until every task runs") { prune, detach, timeout };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var project = global.LoadProject(parse);
            var engine = await CompositionRoot.ConnectSwarmAsync(ct);
            using var connection = engine as IDisposable;
            var actions = new StackActions(engine);
            IStackProgress progress = parse.GetValue(global.Progress) == "quiet" ? new NoProgress() : new LineProgress();
            StackDeployResult result;
            try
            {
                result = await actions.DeployAsync(new StackDeployRequest(project)
                {
                    Prune = parse.GetValue(prune), Detach = parse.GetValue(detach),
                    Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)), IpvsAvailable = IpvsAvailable(),
                }, progress, ct);
            }
            catch (StackNotSupportedException e) { return NotSupported(e); }
            PrintWarnings(result.Plan);
            if (result.Failures.IsEmpty && (parse.GetValue(detach) || result.Converged)) return ExitCodes.Ok;
            foreach (var p in result.Progress.Values.Where(p => !p.Converged))
                Console.Error.WriteLine($"Error: service \"{p.Service}\" did not converge within {parse.GetValue(timeout)} s: {p}");
            foreach (var (service, reason) in result.Failures) Console.Error.WriteLine($"Error: service \"{service}\": {reason}");
            return ExitCodes.Failure;
        }));
        return command;
    }

    private static int NotSupported(StackNotSupportedException e)
    {
        foreach (var p in e.Problems) Console.Error.WriteLine($"error: {p}");
        return ExitCodes.Usage;
    }

    private static void PrintWarnings(StackPlan plan)
    {
        foreach (var w in plan.Warnings) Console.Error.WriteLine($"WARN[0000] {w}");
    }

    private static Command Plan(GlobalOptions global)
    {
        var prune = new Option<bool>("--prune") { Description = "Plan the removal of services no longer in the compose file" };
        var command = new Command("plan", "Show what stack deploy would do, and why (the fields that changed), without changing anything") { prune };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var project = global.LoadProject(parse);
            var engine = await CompositionRoot.ConnectSwarmAsync(ct);
            using var connection = engine as IDisposable;
            StackPlan plan;
            try { plan = await new StackActions(engine).PlanAsync(project, parse.GetValue(prune), IpvsAvailable(), ct); }
            catch (StackNotSupportedException e) { return NotSupported(e); }
            PrintWarnings(plan);
            Console.Write(plan.ToString());
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Ps(GlobalOptions global)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show every task, also those shut down or failed earlier" };
        var command = new Command("ps", "List the stack's tasks: node, desired and current state, error") { all };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            var engine = await CompositionRoot.ConnectSwarmAsync(ct);
            using var connection = engine as IDisposable;
            await engine.EnsureManagerAsync(ct);
            var observed = await engine.ObserveAsync(name, ct);
            var nodes = observed.Nodes.ToDictionary(n => n.Id, n => n.Hostname);
            var rows = observed.Tasks.Where(t => parse.GetValue(all) || t.DesiredState == "running" || t.IsRunning)
                .OrderBy(t => t.ServiceName, StringComparer.Ordinal).ThenBy(t => t.Slot).ThenByDescending(t => t.CreatedAt);
            Table.Write(Console.Out, ["ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR"],
                rows.Select(t => new[]
                {
                    t.Id.Length > 12 ? t.Id[..12] : t.Id, $"{t.ServiceName}.{t.Slot?.ToString(CultureInfo.InvariantCulture) ?? t.NodeId}", t.Image.Split('@')[0],
                    nodes.GetValueOrDefault(t.NodeId, t.NodeId), Title(t.DesiredState),
                    Title(t.State) + (t.StateSince is { } s ? $" {PsCommand.Ago(s)}" : ""), t.Error ?? "",
                }));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Title(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static Command Services(GlobalOptions global)
    {
        var command = new Command("services", "List the stack's services: mode, replicas running/desired, image, ports");
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            var engine = await CompositionRoot.ConnectSwarmAsync(ct);
            using var connection = engine as IDisposable;
            await engine.EnsureManagerAsync(ct);
            var observed = await engine.ObserveAsync(name, ct);
            Table.Write(Console.Out, ["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"],
                observed.Services.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s =>
                {
                    var p = StackConvergence.Of(s.Name, s, observed.Tasks, DateTimeOffset.MaxValue);
                    return new[] { s.Id.Length > 12 ? s.Id[..12] : s.Id, s.Name, s.Mode, $"{p.Running}/{p.Desired}", s.Image.Split('@')[0], string.Join(", ", s.Ports) };
                }));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Remove(GlobalOptions global)
    {
        var timeout = new Option<int>("--wait-timeout") { Description = "Seconds to wait for the tasks to go", DefaultValueFactory = _ => 120 };
        var command = new Command("rm", "Remove the stack's services, networks, configs and secrets (only those labelled with its namespace), waiting until they are gone") { timeout };
        command.Aliases.Add("down");
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            var engine = await CompositionRoot.ConnectSwarmAsync(ct);
            using var connection = engine as IDisposable;
            var removed = await new StackActions(engine).RemoveAsync(name, line => Console.Error.WriteLine(line), TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
            if (removed.IsEmpty) Console.Error.WriteLine($"Nothing found in stack: {name}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Watch(GlobalOptions global)
    {
        var format = new Option<string>("--format") { Description = "Output format. Values: [text | json]", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("watch", "Report task failures, restarts, reschedules and nodes going down, as they happen, until Ctrl-C (Swarm does the restarting)") { format };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var (name, _) = global.ResolveProject(parse);
            var engine = await CompositionRoot.ConnectSwarmAsync(ct);
            using var connection = engine as IDisposable;
            await engine.EnsureManagerAsync(ct);
            var incidents = new StackIncidents();
            var json = parse.GetValue(format) == "json";
            var first = true;
            try
            {
                while (true)
                {
                    var observed = await engine.ObserveAsync(name, ct);
                    if (first)
                    {
                        // The first observation is the baseline; said once it is taken, so callers know news counts from here.
                        Console.Error.WriteLine($"watching stack {name}: {observed.Tasks.Count(t => t.IsRunning)} task(s) running on {observed.Nodes.Count(n => n.State == "ready")} ready node(s) (Ctrl-C to stop)");
                        first = false;
                    }
                    foreach (var i in incidents.Next(observed, DateTimeOffset.UtcNow))
                        Console.WriteLine(json
                            ? Composer.Core.Model.JsonTree.Serialize(new Dictionary<string, object?> { ["time"] = i.At.ToString("O", CultureInfo.InvariantCulture), ["kind"] = i.Kind, ["subject"] = i.Subject, ["message"] = i.Text })
                            : $"{i.At.ToLocalTime():HH:mm:ss} {i.Text}");
                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return ExitCodes.Ok; }
        }));
        return command;
    }

    private sealed class NoProgress : IStackProgress
    {
        public void Report(string service, string status) { }
    }

    /// <summary>One line per change of a service's state on stderr: <c>app  2/3 running</c>.</summary>
    private sealed class LineProgress : IStackProgress
    {
        private readonly Lock _gate = new();
        public void Report(string service, string status)
        {
            lock (_gate) Console.Error.WriteLine($" {service,-16} {status}");
        }
    }
}
