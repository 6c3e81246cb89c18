using System.Formats.Tar;
using System.Text;
using Composer.Core.Engine;
using Composer.Core.Supervision.Develop;
using Docker.DotNet.Models;

namespace Composer.Docker;

/// <summary>
/// <c>develop.watch</c>'s sync: host files into a container through the archive endpoint (one tar per batch, owners
/// kept as Compose keeps them), and files gone from the host removed with <c>rm -rf</c> through exec.
/// </summary>
public sealed partial class DockerEngine : IContainerFileSync
{
    public async Task SyncFilesAsync(string container, IReadOnlyList<PathMapping> paths, CancellationToken cancellationToken)
    {
        var copy = new List<PathMapping>();
        var remove = new List<string>();
        foreach (var p in paths.Where(p => p.ContainerPath is not null))
        {
            if (Exists(p.HostPath)) copy.Add(p);
            else remove.Add(p.ContainerPath!);
        }
        if (remove.Count > 0)
        {
            using var stderr = new MemoryStream();
            var code = await ExecAsync(container, new ExecRequest(["rm", "-rf", .. remove]), new ProcessStreams { Stdout = Stream.Null, Stderr = stderr }, cancellationToken).ConfigureAwait(false);
            if (code != 0)
                throw new EngineException($"deleting paths in {container}: exit code {code}: {Encoding.UTF8.GetString(stderr.ToArray()).Trim()}");
        }
        if (copy.Count == 0) return;
        await using var archive = await ArchiveAsync(copy, cancellationToken).ConfigureAwait(false);
        await Call(() => _client.Containers.ExtractArchiveToContainerAsync(container, new CopyToContainerParameters { Path = "/", CopyUIDGID = true }, archive, cancellationToken),
            $"copying files to {container}").ConfigureAwait(false);
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>
    /// One tar, entries named by their container path (a directory's whole tree below its target); the same container
    /// path twice keeps the last. Links are sent as links; a file deleted since it was looked at is left out.
    /// </summary>
    public static async Task<MemoryStream> ArchiveAsync(IReadOnlyList<PathMapping> paths, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(string name, string hostPath)
        {
            if (!entries.ContainsKey(name)) order.Add(name);
            entries[name] = hostPath;
        }
        foreach (var p in paths)
        {
            var target = p.ContainerPath!.TrimStart('/');
            Add(target.TrimEnd('/'), p.HostPath);
            if (Directory.Exists(p.HostPath) && new DirectoryInfo(p.HostPath).LinkTarget is null)
                foreach (var below in BuildContext.Entries(p.HostPath).Order(StringComparer.Ordinal))
                    Add($"{target.TrimEnd('/')}/{Path.GetRelativePath(p.HostPath, below).Replace('\\', '/')}", below);
        }
        var output = new MemoryStream();
        await using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var name in order)
            {
                try
                {
                    await tar.WriteEntryAsync(entries[name], name, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    // Deleted between the change and now: the next batch removes it.
                }
            }
        }
        output.Position = 0;
        return output;
    }
}
