using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Supervision;
using Composer.Core.Supervision.Develop;
using Composer.Core.Tests.TestSupport;
using Composer.Core.UseCases;

namespace Composer.Core.Tests.Supervision.Develop;

public class DevelopWatcherTests
{
    private const string Yaml = """
        services:
          web:
            image: x
            build: ./web
            develop:
              watch:
                - { path: ./web/src, action: sync, target: /app, ignore: ["*.tmp"], initial_sync: true }
                - { path: ./web/package.json, action: rebuild }
          api:
            image: x
            develop:
              watch:
                - { path: api, action: sync+restart, target: /srv }
                - path: api/hooks
                  action: sync+exec
                  target: /hooks
                  exec: { command: ["sh", "-c", "kill -HUP 1"], user: root, working_dir: /srv, environment: { A: "1" } }
          db:
            image: x
        """;

    private sealed class Files : IHostFiles
    {
        public Dictionary<string, string> Texts { get; } = [];
        public List<string> Tree { get; } = [];
        public Channel<string> Feed { get; } = Channel.CreateUnbounded<string>();
        public IFileChangeFeed Watch(IReadOnlyCollection<string> roots) => new ChangeFeed(Feed);
        public string? ReadText(string path) => Texts.GetValueOrDefault(path);
        public IEnumerable<string> FilesUnder(string root) => Tree.Where(p => p.StartsWith(root + "/", StringComparison.Ordinal));

        private sealed class ChangeFeed(Channel<string> feed) : IFileChangeFeed
        {
            public ChannelReader<string> Changes => feed.Reader;
            public void Dispose() { }
        }
    }

    private sealed class Sync : IContainerFileSync
    {
        public List<(string Container, List<PathMapping> Paths)> Calls { get; } = [];
        public Task SyncFilesAsync(string container, IReadOnlyList<PathMapping> paths, CancellationToken ct)
        {
            lock (Calls) Calls.Add((container, [.. paths]));
            return Task.CompletedTask;
        }
    }

    private sealed class Output : IWatchOutput
    {
        public List<string> Infos { get; } = [];
        public void Incident(IncidentReport report) { }
        public void Info(string message) { lock (Infos) Infos.Add(message); }
    }

    private static async Task<(Project Project, FakeEngine Engine)> UpAsync(string yaml = Yaml)
    {
        var project = TestProjects.Load(yaml);
        var engine = new FakeEngine();
        var actions = new ComposeActions(engine, new RecordingOutput(), new CountingLocks());
        (await actions.UpAsync(new UpRequest(project, new Composer.Core.Planning.UpOptions()) { Build = BuildPolicy.Never }, CancellationToken.None)).Should().Be(UpOutcome.Succeeded);
        return (project, engine);
    }

    [Fact]
    public void The_loader_keeps_the_rules_with_paths_resolved_against_the_project_directory()
    {
        var rules = TestProjects.Load(Yaml).Services["api"].Runtime.DevelopWatch;
        rules.Select(r => (r.Path, r.Action, r.Target)).Should().Equal(
            ("/work/demo/api", WatchAction.SyncRestart, "/srv"), ("/work/demo/api/hooks", WatchAction.SyncExec, "/hooks"));
        rules[1].Exec.Should().BeEquivalentTo(new ServiceHook
        {
            Command = ["sh", "-c", "kill -HUP 1"], User = "root", WorkingDir = "/srv",
            Environment = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("A", "1"),
        });
        TestProjects.Load(Yaml).Services["web"].Runtime.DevelopWatch[0].InitialSync.Should().BeTrue();
    }

    [Fact]
    public void A_sync_rule_without_a_target_is_refused_as_compose_go_refuses_it()
    {
        var result = TestProjects.LoadResult("""
            services:
              web: { image: x, develop: { watch: [ { path: ., action: sync } ] } }
            """);
        result.Success.Should().BeFalse();
        result.Diagnostics.Should().Contain(d => d.Message.Contains("services.web.develop.watch: target is required for sync, sync+exec and sync+restart actions"));
    }

    [Fact]
    public void The_legacy_x_initialSync_still_asks_for_an_initial_sync() =>
        TestProjects.Load("""
            services:
              web: { image: x, develop: { watch: [ { path: ., action: sync, target: /a, x-initialSync: true } ] } }
            """).Services["web"].Runtime.DevelopWatch[0].InitialSync.Should().BeTrue();

    [Fact]
    public void Rules_that_cannot_work_are_named_before_watching()
    {
        var project = TestProjects.Load("""
            services:
              web:
                image: x
                develop:
                  watch:
                    - { path: ., action: rebuild }
                    - { path: ., action: sync+exec, target: /a }
            """);
        var watcher = new DevelopWatcher(project, new FakeEngine(), new Sync(), new Files(), new Output());
        watcher.Problems.Should().Equal(
            "can't watch service \"web\" with action rebuild without a build context",
            "can't watch with action \"sync+exec\" on service web without a command");
    }

    [Fact]
    public void A_path_a_bind_mount_already_shares_is_not_synced()
    {
        var project = TestProjects.Load("""
            services:
              web:
                image: x
                volumes: ["./src:/app"]
                develop: { watch: [ { path: ./src/static, action: sync, target: /app/static } ] }
            """);
        var watcher = new DevelopWatcher(project, new FakeEngine(), new Sync(), new Files(), new Output());
        watcher.Triggers.Should().BeEmpty();
        watcher.Warnings.Should().ContainSingle().Which.Should().Contain("also declared by a bind mount volume");
    }

    [Fact]
    public void The_dockerfile_specific_ignore_file_wins_over_the_contexts()
    {
        var project = TestProjects.Load(Yaml);
        var files = new Files();
        files.Texts["/work/demo/web/Dockerfile.dockerignore"] = "src/gen";
        files.Texts["/work/demo/web/.dockerignore"] = "src/other";
        var watcher = new DevelopWatcher(project, new FakeEngine(), new Sync(), files, new Output());
        var web = watcher.Triggers.First(t => t.Service == "web");
        web.Match("/work/demo/web/src/gen/a.js").Should().BeNull();
        web.Match("/work/demo/web/src/other/a.js").Should().NotBeNull();
    }

    [Fact]
    public async Task A_batch_syncs_into_every_running_container_then_restarts_then_execs()
    {
        var (project, engine) = await UpAsync();
        var sync = new Sync();
        var output = new Output();
        var watcher = new DevelopWatcher(project, engine, sync, new Files(), output);
        var calls = engine.Calls.Count;

        await watcher.HandleAsync(["/work/demo/api/main.py", "/work/demo/api/hooks/reload.sh", "/work/demo/web/src/a.tmp", "/work/demo/db/x"], CancellationToken.None);

        sync.Calls.Should().ContainSingle();
        sync.Calls[0].Container.Should().Be("demo-api-1");
        sync.Calls[0].Paths.Select(p => p.ContainerPath).Should().BeEquivalentTo(["/srv/main.py", "/srv/hooks/reload.sh", "/hooks/reload.sh"]);
        var after = engine.Calls.Skip(calls).ToList();
        after.Should().Contain(c => c.StartsWith("restart container demo-api-1") || c.StartsWith("stop container demo-api-1"));
        after.Last().Should().Be("exec demo-api-1 sh -c kill -HUP 1");
        output.Infos.Should().Contain("Syncing service \"api\" after 3 changes were detected").And.Contain("service(s) [\"api\"] restarted");
    }

    [Fact]
    public async Task A_rebuild_builds_the_image_and_recreates_the_services_containers()
    {
        var (project, engine) = await UpAsync();
        var before = engine.Containers["demo-web-1"].Id;
        var output = new Output();
        var watcher = new DevelopWatcher(project, engine, new Sync(), new Files(), output);

        await watcher.HandleAsync(["/work/demo/web/package.json"], CancellationToken.None);

        engine.Calls.Should().Contain("build image x");
        engine.Containers["demo-web-1"].Id.Should().NotBe(before);
        engine.Containers["demo-web-1"].State.Should().Be(ContainerState.Running);
        output.Infos.Should().Contain("Rebuilding service(s) [\"web\"] after changes were detected...").And.Contain("service(s) [\"web\"] successfully built");
    }

    [Fact]
    public async Task A_rebuild_also_recreates_a_dependent_that_links_to_the_old_container_and_leaves_a_name_user_alone()
    {
        var (project, engine) = await UpAsync("""
            services:
              api:
                image: x
                build: ./api
                develop: { watch: [ { path: ./api, action: rebuild } ] }
              linked: { image: busybox, links: [api] }
              byname: { image: busybox, depends_on: [api] }
            """);
        var linked = engine.Containers["demo-linked-1"].Id;
        var byName = engine.Containers["demo-byname-1"].Id;

        await new DevelopWatcher(project, engine, new Sync(), new Files(), new Output()).HandleAsync(["/work/demo/api/main.go"], CancellationToken.None);

        engine.Containers["demo-linked-1"].Id.Should().NotBe(linked, "a link names the old container");
        engine.Containers["demo-byname-1"].Id.Should().Be(byName, "the engine's DNS follows the new container");
    }

    [Fact]
    public async Task Watching_syncs_initially_then_acts_on_debounced_changes()
    {
        var (project, engine) = await UpAsync();
        var files = new Files();
        files.Tree.AddRange(["/work/demo/web/src/index.html", "/work/demo/web/src/skip.tmp", "/work/demo/web/src/css/site.css"]);
        var sync = new Sync();
        var output = new Output();
        var watcher = new DevelopWatcher(project, engine, sync, files, output, new DevelopWatchOptions { Quiet = TimeSpan.FromMilliseconds(20) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // Changes already waiting when watching starts: read in one go after the initial sync, so one batch.
        await files.Feed.Writer.WriteAsync("/work/demo/web/src/index.html");
        await files.Feed.Writer.WriteAsync("/work/demo/web/src/index.html");
        await files.Feed.Writer.WriteAsync("/work/demo/web/src/gone.js");
        var run = watcher.RunAsync(cts.Token);

        await Until(() => { lock (sync.Calls) return sync.Calls.Count == 2; }, cts.Token);
        output.Infos.Should().Contain("Watch enabled");
        sync.Calls[0].Paths.Select(p => p.ContainerPath).Should().BeEquivalentTo(["/app/index.html", "/app/css/site.css"], "the initial sync, without the ignored file");
        sync.Calls[1].Paths.Select(p => p.ContainerPath).Should().Equal("/app/gone.js", "/app/index.html");

        cts.Cancel();
        await run;
    }

    private static async Task Until(Func<bool> condition, CancellationToken ct)
    {
        while (!condition()) await Task.Delay(10, ct);
    }
}
