using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>
/// exec and run with composer's streams attached, as in Compose: piped stdin reaches the process, stdout and stderr
/// stay apart without a TTY, a terminal gets a TTY that takes the keys and the terminal's size, and the process's exit
/// code is composer's. Then run's --service-ports, --use-aliases, -p, -l and -v.
/// </summary>
public class ExecRunTests
{
    private const string Shell = """
        services:
          box:
            image: composer-busybox:1
            init: true
            command: ["sleep", "2147483647"]
        """;

    /// <summary>The one-off containers of the project (run's), by label.</summary>
    private static async Task<List<global::Docker.DotNet.Models.ContainerListResponse>> OneOffsAsync(TestProject project) =>
        [.. (await project.ContainersAsync()).Where(c => c.Labels.TryGetValue("com.docker.compose.oneoff", out var v) && v == "True")];

    private static async Task<global::Docker.DotNet.Models.ContainerInspectResponse> InspectAsync(string name) =>
        await (await Engine.ClientAsync()).Containers.InspectContainerAsync(name);

    [Fact]
    public async Task Exec_forwards_piped_stdin_keeps_stdout_and_stderr_apart_and_passes_the_exit_code()
    {
        await using var project = await TestProject.CreateAsync("xpipe", Shell);
        await project.RunOkAsync("up", "-d");

        var cat = await project.RunWithInputAsync("hi\n", "exec", "-T", "box", "cat");
        cat.ExitCode.Should().Be(0, cat.ToString());
        cat.Stdout.Should().Be("hi\n");

        // No -T: composer's stdin is not a terminal, so no TTY, and the input is still forwarded.
        var split = await project.RunWithInputAsync("line one\nline two\n", "exec", "box", "sh", "-c", "test -t 0 || echo no-tty; cat; echo to-stderr >&2; exit 3");
        split.ExitCode.Should().Be(3, split.ToString());
        split.Stdout.Should().Be("no-tty\nline one\nline two\n");
        split.Stderr.Should().Be("to-stderr\n");

        var closed = await project.RunWithInputAsync("ignored\n", "exec", "-T", "--interactive=false", "box", "sh", "-c", "cat; echo stdin-closed");
        closed.Stdout.Should().Be("stdin-closed\n", "without -i the process's stdin is not attached");
    }

    [Fact]
    public async Task Exec_detach_returns_at_once_and_privileged_gives_the_process_every_capability()
    {
        await using var project = await TestProject.CreateAsync("xdetach", Shell);
        await project.RunOkAsync("up", "-d");

        var detached = await project.RunOkAsync("exec", "-d", "box", "sh", "-c", "echo done > /tmp/detached");
        detached.Stdout.Should().BeEmpty();
        await Eventually.Until(() => project.ExecAsync("box", "cat", "/tmp/detached"), r => r.Output.Trim() == "done", "the detached command to run");

        const string capabilities = "grep CapEff /proc/self/status";
        var plain = await project.RunOkAsync("exec", "-T", "box", "sh", "-c", capabilities);
        var privileged = await project.RunAsync("exec", "-T", "--privileged", "box", "sh", "-c", capabilities);
        if (privileged.ExitCode == 0)
        {
            Convert.ToUInt64(privileged.Stdout.Split(':')[1].Trim(), 16).Should().BeGreaterThan(Convert.ToUInt64(plain.Stdout.Split(':')[1].Trim(), 16),
                "a privileged process has capabilities the container's own processes lack");
        }
        else
        {
            // An engine that itself lacks a capability (these machines' sandbox) cannot grant them all: runc refuses the
            // privileged process, which it is asked to start only with --privileged; the plain exec above ran.
            privileged.ExitCode.Should().Be(126, privileged.ToString());
            privileged.Stdout.Should().Contain("unable to apply caps");
        }
    }

    [Fact]
    public async Task Exec_in_a_terminal_allocates_a_tty_takes_the_keys_and_follows_the_terminal_size()
    {
        await using var project = await TestProject.CreateAsync("xtty", Shell);
        await project.RunOkAsync("up", "-d");

        await using var terminal = TerminalSession.Start(project.Directory, 33, 111, "-p", project.Name, "exec", "box", "sh", "-c",
            "tty; echo ready; read line; echo got $line; stty size; while read more; do stty size; done; exit 7");
        var at = await terminal.WaitForAsync("ready");
        terminal.Screen.Should().Contain("/dev/pts/", "tty names the process's terminal: a TTY was allocated");
        await terminal.TypeAsync("hello\r");
        at = await terminal.WaitForAsync("got hello", at);
        await terminal.WaitForAsync("33 111", at);

        await terminal.ResizeAsync(40, 100);
        // The resize travels on its own; each line typed makes the process print its terminal's size again.
        await Eventually.Until(async () => { await terminal.TypeAsync("\r"); return terminal.Screen; }, s => s.Contains("40 100"), "the process's TTY to take the new size");
        await terminal.TypeAsync("\u0004");
        (await terminal.ExitCodeAsync()).Should().Be(7, terminal.Screen);
    }

    [Fact]
    public async Task Run_forwards_piped_stdin_keeps_stdout_and_stderr_apart_and_removes_the_one_off_with_rm()
    {
        await using var project = await TestProject.CreateAsync("rpipe", Shell);

        var cat = await project.RunWithInputAsync("hi\n", "run", "--rm", "-T", "box", "cat");
        cat.ExitCode.Should().Be(0, cat.ToString());
        cat.Stdout.Should().Be("hi\n");

        var split = await project.RunWithInputAsync("from stdin\n", "run", "--rm", "box", "sh", "-c", "test -t 0 || echo no-tty; cat; echo to-stderr >&2; exit 4");
        split.ExitCode.Should().Be(4, split.ToString());
        split.Stdout.Should().Be("no-tty\nfrom stdin\n");
        split.Stderr.Should().Contain("to-stderr").And.NotContain("from stdin");
        (await OneOffsAsync(project)).Should().BeEmpty("--rm removes the one-off containers");
    }

    [Fact]
    public async Task Run_in_a_terminal_allocates_a_tty_takes_the_keys_and_the_terminal_size()
    {
        await using var project = await TestProject.CreateAsync("rtty", Shell);
        await using var terminal = TerminalSession.Start(project.Directory, 33, 111, "-p", project.Name, "run", "--rm", "box", "sh", "-c",
            "tty; echo ready; read line; echo got $line; stty size; exit 6");
        var at = await terminal.WaitForAsync("ready");
        terminal.Screen.Should().Contain("/dev/pts/");
        await terminal.TypeAsync("hello\r");
        at = await terminal.WaitForAsync("got hello", at);
        await terminal.WaitForAsync("33 111", at);
        (await terminal.ExitCodeAsync()).Should().Be(6, terminal.Screen);
        (await OneOffsAsync(project)).Should().BeEmpty();
    }

    private const string Web = """
        services:
          web:
            image: composer-busybox:1
            init: true
            command: ["sh", "-c", "mkdir -p /www && echo hello-run > /www/index.html && exec httpd -f -p 80 -h /www"]
            ports: ["127.0.0.1::80"]
            networks:
              default: { aliases: [webalias] }
          client:
            image: composer-busybox:1
            command: ["true"]
        """;

    /// <summary>The host bindings of a container port; the engine lists an exposed, unpublished port with none.</summary>
    private static IList<global::Docker.DotNet.Models.PortBinding> Published(IDictionary<string, IList<global::Docker.DotNet.Models.PortBinding>> ports, string port) =>
        ports.TryGetValue(port, out var bindings) && bindings is not null ? bindings : [];

    [Fact]
    public async Task Run_service_ports_publishes_the_services_ports_on_loopback_and_a_plain_run_publishes_none()
    {
        await using var project = await TestProject.CreateAsync("rports", Web);

        var plain = (await project.RunOkAsync("run", "-d", "web")).Stdout.Trim();
        Published((await InspectAsync(plain)).NetworkSettings.Ports, "80/tcp").Should().BeEmpty("run publishes no port unless asked");

        var published = (await project.RunOkAsync("run", "-d", "--service-ports", "web")).Stdout.Trim();
        var binding = (await InspectAsync(published)).NetworkSettings.Ports["80/tcp"].Should().ContainSingle().Subject;
        binding.HostIP.Should().Be("127.0.0.1");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await Eventually.Until(async () =>
        {
            try { return await http.GetStringAsync($"http://127.0.0.1:{binding.HostPort}/"); }
            catch (HttpRequestException) { return ""; }
            catch (TaskCanceledException) { return ""; }
        }, b => b.Contains("hello-run"), "the one-off's published port to answer");
        body.Should().Be("hello-run\n");

        var extra = (await project.RunOkAsync("run", "-d", "-p", "127.0.0.1::8080", "web")).Stdout.Trim();
        var ports = (await InspectAsync(extra)).NetworkSettings.Ports;
        ports["8080/tcp"].Should().ContainSingle().Which.HostIP.Should().Be("127.0.0.1");
        Published(ports, "80/tcp").Should().BeEmpty("-p replaces the service's ports");

        var both = await project.RunAsync("run", "--service-ports", "-p", "8080", "web");
        both.ExitCode.Should().Be(2, both.ToString());
        both.Stderr.Should().Contain("--service-ports and --publish are incompatible");
    }

    [Fact]
    public async Task Run_use_aliases_gives_the_one_off_the_services_network_aliases()
    {
        await using var project = await TestProject.CreateAsync("raliases", Web);
        var network = $"{project.Name}_default";

        var plain = (await project.RunOkAsync("run", "-d", "web")).Stdout.Trim();
        (await InspectAsync(plain)).NetworkSettings.Networks[network].Aliases.Should().NotContain(["web", "webalias"]);

        var aliased = (await project.RunOkAsync("run", "-d", "--use-aliases", "web")).Stdout.Trim();
        (await InspectAsync(aliased)).NetworkSettings.Networks[network].Aliases.Should().Contain(["web", "webalias"]);
        // The project's own network: a client one-off reaches the aliased one by its alias (retrying while httpd starts).
        var fetched = await project.RunAsync("run", "--rm", "-T", "client", "sh", "-c",
            "for i in $(seq 100); do timeout 5 wget -qO- http://webalias/ && exit 0; sleep 0.1; done; exit 1");
        fetched.ExitCode.Should().Be(0, fetched.ToString());
        fetched.Stdout.Should().Be("hello-run\n");
    }

    [Fact]
    public async Task Run_label_and_volume_flags_reach_the_one_off()
    {
        await using var project = await TestProject.CreateAsync("rlabel", Shell, new Dictionary<string, string> { ["data/file.txt"] = "from the host" });
        var result = await project.RunOkAsync("run", "-T", "-l", "com.example.run=yes", "-v", "./data:/data:ro", "box", "cat", "/data/file.txt");
        result.Stdout.Should().Be("from the host\n");
        var oneOff = (await OneOffsAsync(project)).Should().ContainSingle().Subject;
        oneOff.Labels.Should().Contain("com.example.run", "yes").And.Contain("com.docker.compose.service", "box");
        var mount = (await InspectAsync(oneOff.ID)).Mounts.Should().ContainSingle(m => m.Destination == "/data").Subject;
        mount.Source.Should().Be(Path.Combine(project.Directory, "data"));
        mount.RW.Should().BeFalse();

        var bad = await project.RunAsync("run", "-T", "-l", "no-value", "box", "true");
        bad.ExitCode.Should().Be(2, bad.ToString());
        bad.Stderr.Should().Contain("label must be set as KEY=VALUE");
    }
}
