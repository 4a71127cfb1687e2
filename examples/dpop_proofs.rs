//! Writes DPoP proofs (RFC 9449) for the DPoP benchmark, one per line:
//! `dpop_proofs HTU COUNT FILE`. Every proof is for `POST HTU`, signed with one fresh ES256 key
//! (the key a client would keep), with its own `jti` and `iat` = now, so a server accepts each
//! once within `[dpop] max_clock_skew` of the moment they were made. `bench/dpop_ratio.sh` feeds
//! them to wrk, one per request.

use std::io::Write;

use josekit::jws::{ES256, JwsHeader};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, htu, count, file] = args.as_slice() else {
        anyhow::bail!("usage: dpop_proofs HTU COUNT FILE");
    };
    let count: usize = count.parse()?;
    let pair = ES256.generate_key_pair()?;
    let signer = ES256.signer_from_jwk(&pair.to_jwk_private_key())?;
    let mut header = JwsHeader::new();
    header.set_token_type("dpop+jwt");
    header.set_jwk(pair.to_jwk_public_key());
    // The proofs must carry the time the server will read; this tool has no injected clock.
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let prefix = tessera::crypto::random_token(8);
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    for i in 0..count {
        let claims = serde_json::json!({
            "htm": "POST", "htu": htu, "iat": now, "jti": format!("{prefix}-{i}"),
        });
        let proof =
            josekit::jws::serialize_compact(claims.to_string().as_bytes(), &header, &signer)?;
        writeln!(out, "{proof}")?;
    }
    out.flush()?;
    Ok(())
}
