using System.Security.Cryptography;
using System.Text;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// Remembers documents that passed schema validation, by fingerprint, so an unchanged file is not validated again on
/// every command. Validation is a pure function of the document and the validator, and the fingerprint covers both.
/// Only valid documents are remembered: an invalid one is validated, and its errors reported, every time. Only
/// documents NJsonSchema had to judge are asked about: one the schema's fast path passes takes less time to validate
/// again than to fingerprint.
/// </summary>
public interface IValidationCache
{
    bool Contains(string fingerprint);
    void Add(string fingerprint);
}

public static class ValidationFingerprint
{
    // The validator's identity: the schema text and this assembly's build (a new Composer may judge differently).
    private static readonly Lazy<byte[]> ValidatorIdentity = new(() =>
        SHA256.HashData(Encoding.UTF8.GetBytes(SchemaValidator.SchemaText + "\n" + typeof(SchemaValidator).Assembly.ManifestModule.ModuleVersionId)));

    /// <summary>SHA-256 of the validator's identity and the document exactly as the schema sees it (structure, keys, typed scalars).</summary>
    public static string Of(YNode document)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(ValidatorIdentity.Value);
        var writer = new Writer(hash);
        writer.Append(document);
        writer.Flush();
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Writes the document's bytes through one buffer, hashed when full: thousands of tiny hash calls and an array per
    /// scalar cost more than the hashing itself on a large file. The bytes are the same as written one by one.
    /// </summary>
    private sealed class Writer(IncrementalHash hash)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _used;

        public void Append(YNode node)
        {
            switch (node)
            {
                case YMapping m:
                    Mark('M', m.Entries.Count);
                    foreach (var e in m.Entries)
                    {
                        Text(e.Key.Value);
                        Append(e.Value);
                    }
                    break;
                case YSequence s:
                    Mark('S', s.Items.Count);
                    foreach (var item in s.Items) Append(item);
                    break;
                case YScalar scalar:
                    Mark('V', (int)scalar.Kind);
                    Text(scalar.Value);
                    break;
                default:
                    Mark('N', 0);
                    break;
            }
        }

        public void Flush()
        {
            hash.AppendData(_buffer, 0, _used);
            _used = 0;
        }

        private Span<byte> Room(int bytes)
        {
            if (_used + bytes > _buffer.Length) Flush();
            return _buffer.AsSpan(_used, bytes);
        }

        private void Mark(char kind, int count)
        {
            var bytes = Room(5); // may flush: read _used only after it
            bytes[0] = (byte)kind;
            BitConverter.TryWriteBytes(bytes[1..], count);
            _used += 5;
        }

        // Length-prefixed, so no two different documents write the same bytes.
        private void Text(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            Mark('T', length);
            if (length > _buffer.Length)
            {
                Flush();
                hash.AppendData(Encoding.UTF8.GetBytes(value));
                return;
            }
            var room = Room(length); // may flush: read _used only after it
            _used += Encoding.UTF8.GetBytes(value, room);
        }
    }
}
