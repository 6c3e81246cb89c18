using System.Net;
using System.Text.Json;
using Composer.IntegrationTests.Connections;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Ecosystem;

/// <summary>
/// Issue 15 (dashboard) on the real engine: the JSON API and its guards over HTTP, and the page end to end in
/// Debian's headless chromium (tests/dashboard/dashboard.test.mjs, driven by playwright-core; scripts/test.sh
/// installs both through scripts/browser-test-deps.sh).
/// </summary>
public class DashboardTests
{
    private const string Compose = """
        services:
          db:
            image: composer-busybox:1
            init: true
            command: ["sh", "-c", "echo db ready; exec httpd -f -v -p 80 -h /tmp"]
            expose: ["80"]
            # A back-off long enough for the page to show db down before watch brings it back.
            x-composer:
              restart_backoff_initial: 2s
          app:
            image: composer-busybox:1
            init: true
            depends_on: [db]
            links: [db]
            ports: ["127.0.0.1::8080"]
            command: ["sh", "-c", "echo app up; while true; do sleep 2; echo tick; done"]
          web:
            image: composer-busybox:1
            init: true
            network_mode: "service:app"
            command: ["sleep", "2147483647"]
        """;

    private static async Task<(BackgroundComposer Composer, Uri Url)> StartAsync(TestProject project, params string[] args)
    {
        var composer = BackgroundComposer.Start(project.Directory, ["-p", project.Name, .. args]);
        var line = await composer.NextLineAsync(l => l.Contains("http://127.0.0.1:"), "the dashboard's URL");
        return (composer, new Uri(line[line.IndexOf("http://", StringComparison.Ordinal)..].Trim()));
    }

    [Fact]
    public async Task The_api_lists_services_and_the_graph_and_refuses_requests_without_the_token()
    {
        await using var project = await TestProject.CreateAsync("dash-api", Compose);
        await project.RunOkAsync("up", "-d");
        var (composer, url) = await StartAsync(project, "dashboard", "--port", "0", "--no-browser");
        await using var _ = composer;
        url.Host.Should().Be("127.0.0.1");
        var token = url.Query.TrimStart('?');
        token.Should().MatchRegex("^token=[0-9a-f]{32,}$");
        var root = new Uri(url.GetLeftPart(UriPartial.Authority));
        using var http = new HttpClient { BaseAddress = root };

        foreach (var path in new[] { "/", "/api/services", "/api/graph", "/api/incidents", "/api/events", "/api/logs" })
            (await http.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
        (await http.PostAsync($"/api/services/app/restart?{token}", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "no anti-forgery token");

        var services = JsonDocument.Parse(await http.GetStringAsync($"/api/services?{token}")).RootElement;
        services.GetProperty("services").EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("state").GetString()))
            .Should().BeEquivalentTo(new[] { ("app", "running"), ("db", "running"), ("web", "running") });
        var graph = JsonDocument.Parse(await http.GetStringAsync($"/api/graph?{token}")).RootElement;
        graph.GetProperty("edges").EnumerateArray().Select(e => $"{e.GetProperty("from").GetString()}->{e.GetProperty("to").GetString()}:{e.GetProperty("kind").GetString()}")
            .Should().BeEquivalentTo("app->db:depends_on", "app->db:links", "web->app:depends_on", "web->app:network_mode"); // network_mode implies depends_on, as in Compose

        // The page carries the anti-forgery token; with it, an action runs.
        var page = await http.GetStringAsync($"/?{token}");
        var csrf = System.Text.RegularExpressions.Regex.Match(page, "name=\"csrf\" content=\"([0-9a-f]+)\"").Groups[1].Value;
        csrf.Should().NotBeEmpty();
        var before = (await project.InspectAsync("app")).State.StartedAt;
        using var restart = new HttpRequestMessage(HttpMethod.Post, $"/api/services/app/restart?{token}") { Headers = { { "X-Composer-Csrf", csrf } } };
        var answer = await http.SendAsync(restart);
        answer.StatusCode.Should().Be(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        (await project.InspectAsync("app")).State.StartedAt.Should().NotBe(before);

        // A crash: the page refreshes on the event stream's "die", and the engine still lists the container as running
        // for tens of milliseconds after it: the services the API answers with at once agree with the event.
        using var streaming = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var events = await http.GetAsync($"/api/events?{token}", HttpCompletionOption.ResponseHeadersRead, streaming.Token);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(streaming.Token));
        (await reader.ReadLineAsync(streaming.Token)).Should().Be(": connected");
        await project.CrashAsync("db");
        while (await reader.ReadLineAsync(streaming.Token) is { } line
               && !(line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("\"action\":\"die\"") && line.Contains("\"service\":\"db\"")))
        {
        }
        var afterDie = JsonDocument.Parse(await http.GetStringAsync($"/api/services?{token}")).RootElement;
        afterDie.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "db")
            .GetProperty("state").GetString().Should().Be("exited");

        (await composer.InterruptAsync()).Should().Be(0);
    }

    [Fact]
    public async Task The_page_in_headless_chromium_shows_a_crash_the_repair_and_restarts_a_service()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        var script = Path.Combine(Examples.RepoRoot, "tests", "dashboard", "dashboard.test.mjs");
        File.Exists(chromium).Should().BeTrue($"Debian's chromium is needed at {chromium} (scripts/browser-test-deps.sh installs it)");
        File.Exists(Path.Combine(Examples.RepoRoot, "tests", "dashboard", "node_modules", "playwright-core", "package.json"))
            .Should().BeTrue("playwright-core is needed in tests/dashboard (scripts/browser-test-deps.sh installs it)");

        await using var project = await TestProject.CreateAsync("dash-browser", Compose);
        var (composer, url) = await StartAsync(project, "up", "-d", "--watch", "--dashboard");
        await using var _ = composer;
        // Watch follows the engine's events from its first resync on.
        await Eventually.Until(() => Task.FromResult(composer.Stderr), s => s.Contains("container(s) running"), "watch to finish its resync");

        var args = new List<string> { script, url.ToString(), project.Name };
        if (Environment.GetEnvironmentVariable("COMPOSER_DASHBOARD_SCREENSHOT") is { Length: > 0 } screenshot) args.Add(screenshot);
        var run = await Processes.RunAsync("node", args, Path.GetDirectoryName(script)!, new Dictionary<string, string?> { ["CHROMIUM"] = chromium }, TimeSpan.FromMinutes(4));
        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("dashboard browser test: passed");

        (await composer.InterruptAsync()).Should().Be(0);
    }
}
