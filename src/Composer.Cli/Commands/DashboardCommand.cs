using System.CommandLine;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Composer.Core.Model;
using Composer.Core.Supervision;
using Composer.Dashboard;
using Composer.Docker;

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
            using var engine = await GlobalOptions.ConnectAsync(ct);
            await using var server = await StartAsync(engine, project, new DashboardIncidents(), parse.GetValue(port), parse.GetValue(noBrowser), global.ParallelLimit(parse), ct);
            await server.RunAsync(ct);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary><c>up --dashboard</c> (with <c>--watch</c>, both): serves until Ctrl-C; the Supervisor's incidents reach the page.</summary>
    public static async Task<int> ServeAfterUpAsync(DockerEngine engine, Project project, bool watch, int parallelism, CancellationToken ct)
    {
        var incidents = new DashboardIncidents();
        await using var server = await StartAsync(engine, project, incidents, port: null, noBrowser: false, parallelism, ct);
        if (watch) return await WatchCommand.RunAsync(engine, project, json: false, parallelism, ct, alsoTo: incidents);
        await server.RunAsync(ct);
        return ExitCodes.Ok;
    }

    /// <summary>Starts the page's server and prints its URL (opening a browser where there is a desktop and it is not declined).</summary>
    public static async Task<DashboardServer> StartAsync(DockerEngine engine, Project project, DashboardIncidents incidents, int? port, bool noBrowser, int parallelism, CancellationToken ct)
    {
        var server = await DashboardServer.StartAsync(project, engine, engine, new DockerLogSource(engine), incidents, new DashboardSettings
        {
            Port = port,
            Parallelism = parallelism,
            ChangeGate = async token => await ProjectLock.AcquireAsync(project.Name, token),
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

/// <summary>The dashboard's log port over the Docker adapter's logs.</summary>
internal sealed class DockerLogSource(DockerEngine engine) : ILogSource
{
    public async IAsyncEnumerable<string> FollowAsync(string container, string tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var line in engine.LogsAsync(container, follow: true, tail, timestamps: false, cancellationToken).ConfigureAwait(false))
            yield return line.Text;
    }
}

/// <summary>Watch's incidents to its own output and to the dashboard.</summary>
internal sealed class TeeWatchOutput(IWatchOutput first, IWatchOutput second) : IWatchOutput
{
    public void Incident(IncidentReport report) { first.Incident(report); second.Incident(report); }
    public void Info(string message) { first.Info(message); second.Info(message); }
}
