namespace LineConnector.Core;

/// <summary>What the domain refuses, and so which answer a caller gets (the HTTP status in brackets).</summary>
public enum DomainError
{
    /// <summary>The input breaks a rule; <see cref="DomainException.Fields"/> names each field (400).</summary>
    Invalid,

    /// <summary>The caller did not prove who it is (401).</summary>
    Unauthorized,

    /// <summary>The caller may not act on this (403).</summary>
    Forbidden,

    /// <summary>There is no such thing (404).</summary>
    NotFound,

    /// <summary>What is stored does not allow it (409).</summary>
    Conflict,

    /// <summary>It changed since the caller read it (412).</summary>
    PreconditionFailed,

    /// <summary>The request is understood but cannot be carried out on this thing (422).</summary>
    Unprocessable,

    /// <summary>The caller must say which version it read (428).</summary>
    PreconditionRequired,

    /// <summary>The connector's configuration (a channel, a destination, their secrets) is wrong: an operator must fix it; retrying does not help (500).</summary>
    Misconfigured,
}

/// <summary>
/// The domain's one error: a rule refuses the input, the caller or the configuration. Every other
/// exception comes from a dependency (LINE, Table Storage, the secret store, the queue, a destination,
/// a media host). The message says what is wrong and how to fix it; it never holds a secret.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(DomainError error, string message, IReadOnlyList<FieldError>? fields = null, string? title = null)
        : base(message)
    {
        Error = error;
        Fields = fields ?? [];
        Title = title;
    }

    public DomainError Error { get; }

    /// <summary>For <see cref="DomainError.Invalid"/>: each field at fault and the rule it breaks.</summary>
    public IReadOnlyList<FieldError> Fields { get; }

    /// <summary>A short summary for the answer's title, when the kind's own is too general.</summary>
    public string? Title { get; }

    /// <summary>The input breaks the rules named by <paramref name="fields"/>.</summary>
    public static DomainException Invalid(IReadOnlyList<FieldError> fields, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return new(DomainError.Invalid, string.Join("; ", fields), fields, title);
    }

    public static DomainException Invalid(string field, string message) => Invalid([new FieldError(field, message)]);
}
