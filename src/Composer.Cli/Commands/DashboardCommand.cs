using System.CommandLine;
using System.Diagnostics;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Supervision;
using Composer.Core.UseCases;
using Composer.Dashboard;

namespace Composer.Cli.Commands;

/// <summary>
/// <c>composer dashboard [--port N] [--no-browser]</c>: the project live in a local page, until Ctrl-C. The URL it
/// prints carries the token every request needs, as Jupyter's does.
/// </summary>
internal static class DashboardCommand
{
    public static Command Create(GlobalOptions global)
    {
        var port = new Option<int?>("--port") { Description = $"Port on 127.0.0.1 (default {DashboardServer.DefaultPort}, or a free one when it is taken)" };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the URL without opening a browser" };
        var command = new Command("dashboard", "Show the project live in a local web page (services, graph, incidents, logs)") { port, noBrowser };
        command.SetAction((parse, ct) => ComposerApp.Guard(async () =>
        {
            var project = global.LoadProject(parse);
            var engine = await CompositionRoot.ConnectEngineAsync(ct);
            using var disposeEngine = engine as IDisposable;
            await using var server = await StartAsync(engine, project, new DashboardIncidents(), parse.GetValue(port), parse.GetValue(noBrowser), global.ParallelLimit(parse), ct);
            await server.RunAsync(ct);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// <c>up --dashboard</c>: converge detached, then serve the page until Ctrl-C; with <c>--watch</c>, watch too, its
    /// incidents reaching the page (the Supervisor's output goes to the console and to the dashboard).
    /// </summary>
    public static async Task<int> UpThenServeAsync(GlobalOptions global, ParseResult parse, UpRequest request, CancellationToken ct)
    {
        var incidents = new DashboardIncidents();
        var engine = await CompositionRoot.ConnectEngineAsync(ct);
        using var actions = new ComposeActions(engine, new AlsoToDashboard(CompositionRoot.Output(global, parse), incidents), CompositionRoot.Locks, global.ParallelLimit(parse)) { HostFiles = new HostFiles() };
        var converged = await actions.UpAsync(request with { Watch = false, Attach = false }, ct);
        if (converged != UpOutcome.Succeeded) return UpCommand.Exit(converged);
        await using var server = await StartAsync(engine, request.Project, incidents, port: null, noBrowser: false, global.ParallelLimit(parse), ct);
        if (!request.Watch)
        {
            await server.RunAsync(ct);
            return ExitCodes.Ok;
        }
        using var backstop = WatchCommand.Backstop(ct);
        return Lifecycle.Exit(await actions.WatchAsync(new WatchRequest(request.Project), ct));
    }

    /// <summary>Starts the page's server and prints its URL (opening a browser where there is a desktop and it is not declined).</summary>
    private static async Task<DashboardServer> StartAsync(IContainerEngine engine, Project project, DashboardIncidents incidents, int? port, bool noBrowser, int parallelism, CancellationToken ct)
    {
        var server = await DashboardServer.StartAsync(project, engine, CompositionRoot.Locks, incidents, new DashboardSettings
        {
            Port = port,
            Parallelism = parallelism,
            RecordedWatchState = service => Output.WatchStateFile.Read(project.Name).TryGetValue(service, out var s) ? (s.Restarts, s.CrashLooping) : null,
        }, ct);
        Console.Out.WriteLine($"Composer dashboard for project {project.Name}: {server.Url}");
        Console.Out.Flush();
        if (!noBrowser && (Environment.GetEnvironmentVariable("DISPLAY") is { Length: > 0 } || Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is { Length: > 0 }))
        {
            try
            {
                using var _ = Process.Start(new ProcessStartInfo("xdg-open", server.Url) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true });
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No opener: the printed URL is enough.
            }
        }
        return server;
    }
}

/// <summary>The console's use-case output, with watch's incidents going to the dashboard as well.</summary>
internal sealed class AlsoToDashboard(IUseCaseOutput console, DashboardIncidents incidents) : IUseCaseOutput
{
    public void Warning(string message) => console.Warning(message);
    public void Error(string message) => console.Error(message);
    public void Info(string message) => console.Info(message);
    public IProgressScope BeginProgress(bool quiet = false) => console.BeginProgress(quiet);
    public ILogWriter Logs(IReadOnlyList<ObservedContainer> containers) => console.Logs(containers);
    public IWatchOutput Watch(string project) => new Both(console.Watch(project), incidents);

    private sealed class Both(IWatchOutput first, IWatchOutput second) : IWatchOutput
    {
        public void Incident(IncidentReport report) { first.Incident(report); second.Incident(report); }
        public void Info(string message) { first.Info(message); second.Info(message); }
    }
}
