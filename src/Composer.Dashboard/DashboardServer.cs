using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Core.Graph;
using Composer.Core.Model;
using Composer.Core.Supervision;
using Composer.Core.UseCases;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Composer.Dashboard;

public sealed record DashboardSettings
{
    /// <summary>Null: Aspire's 18888, or any free port when that one is taken.</summary>
    public int? Port { get; init; }
    public int Parallelism { get; init; }
    /// <summary>What a watch in another process recorded for a service (restarts, crash-looping), when this one saw nothing.</summary>
    public Func<string, (int Restarts, bool CrashLooping)?>? RecordedWatchState { get; init; }
}

/// <summary>
/// The dashboard's web server: Kestrel on 127.0.0.1 only; every route needs the random token of the printed URL
/// (403 without), and actions also the page's anti-forgery token. Updates reach the page as server-sent events from
/// the engine's event stream and the Supervisor's incidents.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const int DefaultPort = 18888;
    private readonly WebApplication _app;
    private readonly string _token;

    public string Url { get; }

    private DashboardServer(WebApplication app, string token, int port)
    {
        _app = app;
        _token = token;
        Url = $"http://127.0.0.1:{port}/?token={token}";
    }

    public static async Task<DashboardServer> StartAsync(Project project, IContainerEngine engine, IProjectLocks locks,
        DashboardIncidents incidents, DashboardSettings settings, CancellationToken cancellationToken)
    {
        var token = RandomToken();
        var csrf = RandomToken();
        var api = new DashboardApi(project, engine, locks, incidents, settings);
        try
        {
            return await StartOnAsync(settings.Port ?? DefaultPort, api, token, csrf, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException) when (settings.Port is null)
        {
            // The default port is taken (another dashboard?): any free one, as Jupyter moves on.
            return await StartOnAsync(0, api, token, csrf, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<DashboardServer> StartOnAsync(int port, DashboardApi api, string token, string csrf, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var actualPort = 0;
        app.Use(async (context, next) =>
        {
            // The token decides; the Host header too, so a page on another name that resolves here cannot read it.
            if (!SameText(context.Request.Query["token"].ToString(), token) && !SameText(context.Request.Headers["X-Composer-Token"].ToString(), token)
                || !IsLocalHost(context.Request.Host, actualPort))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("403: the dashboard's token is missing or wrong; use the URL composer printed\n").ConfigureAwait(false);
                return;
            }
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.Headers["X-Frame-Options"] = "DENY";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            context.Response.Headers.CacheControl = "no-store";
            await next(context).ConfigureAwait(false);
        });
        app.MapGet("/", (RequestDelegate)(context => api.PageAsync(context, csrf)));
        app.MapGet("/api/services", (RequestDelegate)api.ServicesAsync);
        app.MapGet("/api/graph", (RequestDelegate)api.GraphAsync);
        app.MapGet("/api/incidents", (RequestDelegate)api.IncidentsAsync);
        app.MapGet("/api/events", (RequestDelegate)api.EventsAsync);
        app.MapGet("/api/logs", (RequestDelegate)api.LogsAsync);
        app.MapPost("/api/services/{service}/{action}", (RequestDelegate)(context =>
            SameText(context.Request.Headers["X-Composer-Csrf"].ToString(), csrf)
                ? api.ActAsync(context)
                : Refuse(context, "403: actions need the page's anti-forgery token (X-Composer-Csrf)")));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        actualPort = new Uri(address).Port;
        return new DashboardServer(app, token, actualPort);
    }

    private static async Task Refuse(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.Response.WriteAsync(message + "\n").ConfigureAwait(false);
    }

    private static bool IsLocalHost(HostString host, int port) =>
        host.Port == port && (host.Host == "127.0.0.1" || host.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase));

    private static bool SameText(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static string RandomToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Serves until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _app.StopAsync(stopping.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public override string ToString() => Url.Replace(_token, "…", StringComparison.Ordinal);
}

/// <summary>The routes: the page, the JSON a script can read, the event streams and the actions.</summary>
internal sealed class DashboardApi(Project project, IContainerEngine engine, IProjectLocks locks, DashboardIncidents incidents, DashboardSettings settings)
{
    private readonly DependencyGraph _graph = DependencyGraph.Build(project);
    // The page refreshes on an event; the engine's list can still contradict it for a moment (a "die" listed as running).
    private readonly ContainerEventLedger _seen = new();

    public async Task PageAsync(HttpContext context, string csrf)
    {
        await using var stream = typeof(DashboardApi).Assembly.GetManifestResourceStream("Composer.Dashboard.index.html")
            ?? throw new InvalidOperationException("the dashboard page is not built into this binary");
        using var reader = new StreamReader(stream);
        var html = (await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false))
            .Replace("{{CSRF}}", csrf, StringComparison.Ordinal)
            .Replace("{{PROJECT}}", WebUtility.HtmlEncode(project.Name), StringComparison.Ordinal);
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:";
        await context.Response.WriteAsync(html, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<ObservedState> ObserveAsync(CancellationToken ct) =>
        _seen.Correct(await engine.ObserveAsync(new ObserveRequest(project.Name) { IncludeOneOff = false }, ct).ConfigureAwait(false));

    public async Task ServicesAsync(HttpContext context)
    {
        var observed = await ObserveAsync(context.RequestAborted).ConfigureAwait(false);
        var services = project.Services.Keys.Concat(observed.Containers.Select(c => c.Service)).Distinct().Order(StringComparer.Ordinal)
            .Select(name => Service(name, observed)).ToList();
        await WriteJsonAsync(context, new Dictionary<string, object?> { ["project"] = project.Name, ["services"] = services }).ConfigureAwait(false);
    }

    private Dictionary<string, object?> Service(string name, ObservedState observed)
    {
        var containers = observed.Containers.Where(c => c.Service == name).OrderBy(c => c.Number).ToList();
        var latest = incidents.LatestOf(name);
        var recorded = latest is null ? settings.RecordedWatchState?.Invoke(name) : null;
        return new Dictionary<string, object?>
        {
            ["name"] = name,
            ["state"] = StateOf(containers),
            ["health"] = containers.Select(c => HealthOf(c.Status)).FirstOrDefault(h => h is not null),
            ["restarts"] = latest?.Restarts ?? recorded?.Restarts ?? 0,
            ["crash_looping"] = latest?.CrashLooping ?? recorded?.CrashLooping ?? false,
            ["in_model"] = project.Services.ContainsKey(name),
            ["containers"] = containers.Select(c => new Dictionary<string, object?>
            {
                ["name"] = c.Name, ["id"] = c.Id[..Math.Min(12, c.Id.Length)], ["state"] = c.State, ["status"] = c.Status,
                ["health"] = HealthOf(c.Status), ["image"] = c.Image,
                ["ports"] = c.Ports.Select(Port).Distinct().ToList(),
                ["endpoints"] = Endpoints(c).ToList(),
            }).ToList(),
        };
    }

    /// <summary>One word for the service: running, partial (some replicas down), restarting, exited, created, or not created.</summary>
    private static string StateOf(List<ObservedContainer> containers)
    {
        if (containers.Count == 0) return "not created";
        if (containers.Any(c => c.State == ContainerState.Restarting)) return ContainerState.Restarting;
        var running = containers.Count(c => c.State == ContainerState.Running);
        if (running == containers.Count) return ContainerState.Running;
        if (running > 0) return "partial";
        return containers.Select(c => c.State).Distinct().Count() == 1 ? containers[0].State : ContainerState.Exited;
    }

    private static string? HealthOf(string status) =>
        status.Contains("(unhealthy)", StringComparison.Ordinal) ? "unhealthy"
        : status.Contains("(healthy)", StringComparison.Ordinal) ? "healthy"
        : status.Contains("(health: starting)", StringComparison.Ordinal) ? "starting" : null;

    private static string Port(ObservedPort p) => p.PublicPort is { } published
        ? $"{p.HostIp ?? "0.0.0.0"}:{published}->{p.PrivatePort}/{p.Type}"
        : $"{p.PrivatePort}/{p.Type}";

    private static IEnumerable<string> Endpoints(ObservedContainer c)
    {
        foreach (var p in c.Ports.Where(p => p.PublicPort is not null).DistinctBy(p => (p.PublicPort, p.Type)))
            yield return $"{p.Type}://{(p.HostIp is null or "0.0.0.0" or "::" ? "127.0.0.1" : p.HostIp)}:{p.PublicPort}";
        foreach (var (network, address) in c.Addresses)
            foreach (var p in c.Ports.DistinctBy(p => (p.PrivatePort, p.Type)))
                yield return $"{p.Type}://{address}:{p.PrivatePort} ({network})";
    }

    public async Task GraphAsync(HttpContext context)
    {
        var observed = await ObserveAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, new Dictionary<string, object?>
        {
            ["nodes"] = _graph.Nodes.Select(n => new Dictionary<string, object?>
            {
                ["name"] = n, ["state"] = StateOf([.. observed.Containers.Where(c => c.Service == n)]),
            }).ToList(),
            ["edges"] = _graph.Edges.Select(e => new Dictionary<string, object?>
            {
                ["from"] = e.From, ["to"] = e.To, ["kind"] = e.Kind.Text(),
            }).ToList(),
        }).ConfigureAwait(false);
    }

    public Task IncidentsAsync(HttpContext context) =>
        WriteJsonAsync(context, incidents.Snapshot().Select(i => Incident(i.Time, i.Report)).ToList());

    private Dictionary<string, object?> Incident(DateTimeOffset time, IncidentReport report)
    {
        var fields = IncidentText.Fields(report, time);
        fields["text"] = IncidentText.Line(report, project.Name);
        return fields;
    }

    /// <summary>
    /// Server-sent events: the engine's container events for the project as they happen (<c>event: container</c>)
    /// and the Supervisor's incidents (<c>event: incident</c>). A dropped engine stream is opened again.
    /// </summary>
    public async Task EventsAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var output = Channel.CreateUnbounded<string>();
        // From the moment the page hears "connected", even if the engine's stream opens a little later.
        var since = DateTimeOffset.UtcNow;
        await StartEventStreamAsync(context).ConfigureAwait(false);
        var incidentFeed = incidents.Subscribe(ct);
        var engineTask = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(200);
            using var following = _seen.Follow();
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await foreach (var e in engine.StreamAsync(project.Name, since, ct).ConfigureAwait(false))
                    {
                        if (e.IsOneOff) continue;
                        // Recorded before the page hears of it, so the refresh it makes on this event agrees with it.
                        _seen.Record(e);
                        output.Writer.TryWrite(Sse("container", new Dictionary<string, object?>
                        {
                            ["time"] = e.Time, ["action"] = e.Action, ["container"] = e.ContainerName, ["service"] = e.Service, ["exit_code"] = e.ExitCode,
                        }));
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    output.Writer.TryWrite(Sse("error", new Dictionary<string, object?> { ["message"] = e.Message }));
                }
                _seen.Forget();
                since = DateTimeOffset.UtcNow;
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }, ct);
        var incidentTask = Task.Run(async () =>
        {
            await foreach (var (time, report) in incidentFeed.ReadAllAsync(ct).ConfigureAwait(false))
                output.Writer.TryWrite(Sse("incident", Incident(time, report)));
        }, ct);
        await PumpAsync(context, output.Reader, ct).ConfigureAwait(false);
        await Quietly(engineTask, incidentTask).ConfigureAwait(false);
    }

    /// <summary>Server-sent events: the last lines of every container (<c>event: log</c>), then what they print, following; new containers join as they start.</summary>
    public async Task LogsAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var output = Channel.CreateUnbounded<string>();
        await StartEventStreamAsync(context).ConfigureAwait(false);
        var following = new Dictionary<string, Task>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Follow(string id, string container, string service)
        {
            lock (following)
            {
                if (following.TryGetValue(id, out var running) && !running.IsCompleted) return;
                // A container seen before is restarting: its earlier lines were sent already.
                var tail = seen.Add(id) ? "100" : "0";
                following[id] = Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var line in engine.LogsAsync(container, follow: true, tail, timestamps: false, ct).ConfigureAwait(false))
                            output.Writer.TryWrite(Sse("log", new Dictionary<string, object?> { ["service"] = service, ["container"] = container, ["line"] = line.Text }));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The container went away while being followed; its next start follows it again.
                    }
                }, ct);
            }
        }
        var observed = await ObserveAsync(ct).ConfigureAwait(false);
        foreach (var c in observed.Containers) Follow(c.Id, c.Name, c.Service);
        var starts = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await foreach (var e in engine.StreamAsync(project.Name, DateTimeOffset.UtcNow, ct).ConfigureAwait(false))
                        if (e.Action == "start" && !e.IsOneOff) Follow(e.ContainerId, e.ContainerName, e.Service);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                }
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }, ct);
        await PumpAsync(context, output.Reader, ct).ConfigureAwait(false);
        Task[] all;
        lock (following) all = [starts, .. following.Values];
        await Quietly(all).ConfigureAwait(false);
    }

    /// <summary>
    /// POST /api/services/{service}/{restart|stop|start}: the use cases of <c>composer restart|stop|start SERVICE</c>
    /// (same plans, same project lock); their errors come back in the answer.
    /// </summary>
    public async Task ActAsync(HttpContext context)
    {
        var service = context.Request.RouteValues["service"] as string ?? "";
        var action = context.Request.RouteValues["action"] as string ?? "";
        if (!project.Services.ContainsKey(service) || action is not ("restart" or "stop" or "start"))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await WriteJsonAsync(context, new Dictionary<string, object?> { ["error"] = $"no service \"{service}\" or action \"{action}\"" }).ConfigureAwait(false);
            return;
        }
        var ct = context.RequestAborted;
        var answer = new CollectedOutput();
        // Not disposed: disposing the use cases would dispose the engine the dashboard goes on using.
        var actions = new ComposeActions(engine, answer, locks, settings.Parallelism);
        var target = ProjectTarget.Of(project);
        var ok = action switch
        {
            "restart" => await actions.RestartAsync(new StopRequest(target, [service], null), ct).ConfigureAwait(false),
            "stop" => await actions.StopAsync(new StopRequest(target, [service], null), ct).ConfigureAwait(false),
            _ => await actions.StartAsync(new ServicesRequest(target, [service]), ct).ConfigureAwait(false),
        };
        if (!ok) context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await WriteJsonAsync(context, new Dictionary<string, object?>
        {
            ["service"] = service, ["action"] = action, ["ok"] = ok, ["errors"] = answer.Errors, ["warnings"] = answer.Warnings,
        }).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, object tree)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonTree.Serialize(tree), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task StartEventStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.WriteAsync(": connected\n\n", context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static string Sse(string kind, object data) => $"event: {kind}\ndata: {JsonTree.Serialize(data)}\n\n";

    private static async Task PumpAsync(HttpContext context, ChannelReader<string> reader, CancellationToken ct)
    {
        try
        {
            await foreach (var message in reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(message, ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The page went away.
        }
    }

    private static async Task Quietly(params Task[] tasks)
    {
        try { await Task.WhenAll(tasks).ConfigureAwait(false); } catch (Exception) { /* cancelled with the request */ }
    }
}

/// <summary>What a use case says while it serves one of the page's actions: kept for the HTTP answer, no console.</summary>
internal sealed class CollectedOutput : IUseCaseOutput, IProgressScope
{
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];
    public void Warning(string message) { lock (Warnings) Warnings.Add(message); }
    public void Error(string message) { lock (Errors) Errors.Add(message); }
    public void Info(string message) { }
    public IProgressScope BeginProgress(bool quiet = false) => this;
    public void Report(Core.Execution.OperationProgress progress) { }
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    public ILogWriter Logs(IReadOnlyList<ObservedContainer> containers) => throw new NotSupportedException("the dashboard's actions attach to no output");
    public IWatchOutput Watch(string project) => throw new NotSupportedException("the dashboard's actions do not watch");
}
