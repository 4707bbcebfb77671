//! Lays out and writes the SBPF v0 shared object.
//!
//! File layout (every address equals its file offset, as the v0 loader wants):
//! ELF header, three program headers (text, read-only data, dynamic), `.text`, `.rodata`
//! (every `.rodata*` input section, merged), `.dynamic`, `.dynsym`, `.dynstr`, `.rel.dyn`,
//! `.shstrtab`, then the section header table.

use super::object::{u32_at, Object, Section, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_REL};
use super::LinkError;
use std::collections::BTreeMap;

const R_BPF_64_64: u32 = 1;
const R_BPF_64_32: u32 = 10;
const INSN: usize = 8;
/// Where the VM maps the program's text and read-only data: an address of the file plus this is
/// the address the program sees. The loader adds it itself (an `R_BPF_64_RELATIVE`) to a `lddw`
/// below it and leaves one at or above it as it is, so the linker writes the final address and
/// the `.so` needs no relocation for it: 16 bytes of `.rel.dyn` saved at every `lddw` of data.
const MM_RODATA_START: u64 = 1 << 32;

/// The linked program and what it imports.
pub struct Linked {
    pub so: Vec<u8>,
    /// Every undefined symbol called, i.e. every syscall the program needs, sorted.
    pub imports: Vec<String>,
    pub text_len: usize,
    pub rodata_len: usize,
}

/// One section header; every address equals its offset.
struct SectionHeader {
    kind: u32,
    flags: u64,
    offset: usize,
    size: usize,
    link: u32,
    info: u32,
    align: u64,
    entsize: u64,
}

fn align(n: usize, to: usize) -> usize {
    n.div_ceil(to.max(1)) * to.max(1)
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn write_at(buf: &mut [u8], at: usize, bytes: &[u8]) -> Result<(), LinkError> {
    buf.get_mut(at..at + bytes.len())
        .ok_or_else(|| LinkError::new(format!("relocation at {at} lies outside its section")))?
        .copy_from_slice(bytes);
    Ok(())
}

/// Links `object`, whose entry function is the symbol `entry`.
pub fn link(object_bytes: &[u8], entry: &str) -> Result<Linked, LinkError> {
    let object = Object::parse(object_bytes)?;
    for s in &object.sections {
        let writable = s.flags & SHF_WRITE != 0 && s.flags & SHF_ALLOC != 0;
        if s.name.starts_with(".bss") || s.name.starts_with(".data") || writable {
            return Err(LinkError::new(format!(
                "section `{}` is writable data, which SBPF programs cannot have (the compiler must not emit mutable globals)",
                s.name
            )));
        }
    }
    // Everything executable must be in the one `.text` the loader accepts.
    if let Some(extra) = object.sections.iter().find(|s| s.flags & SHF_EXECINSTR != 0 && s.name != ".text" && !s.data.is_empty()) {
        return Err(LinkError::new(format!("code in section `{}`: only one `.text` is supported", extra.name)));
    }
    let text_index =
        object.sections.iter().position(|s| s.name == ".text").ok_or_else(|| LinkError::new("the object has no .text section"))?;
    let text_in = object.sections.get(text_index).map(|s| s.data.clone()).unwrap_or_default();

    // Layout: headers, then .text, then the read-only sections in input order.
    let header_len = 64 + 3 * 56;
    let text_off = align(header_len, 8);
    let mut cursor = text_off + text_in.len();
    let rodata_off = align(cursor, 8);
    cursor = rodata_off;
    let mut placed: BTreeMap<usize, usize> = BTreeMap::new(); // input section index -> output address
    placed.insert(text_index, text_off);
    let mut rodata = Vec::new();
    for (i, s) in object.sections.iter().enumerate() {
        if s.name.starts_with(".rodata") && s.flags & SHF_ALLOC != 0 {
            if !s.align.is_power_of_two() || s.align > 4096 {
                return Err(LinkError::new(format!("section `{}` asks for an alignment of {}", s.name, s.align)));
            }
            let at = align(cursor, s.align as usize);
            rodata.resize(at - rodata_off, 0);
            rodata.extend_from_slice(&s.data);
            placed.insert(i, at);
            cursor = at + s.data.len();
        }
    }

    // Relocations of .text; everything else allocatable must need none.
    let mut text = text_in;
    let mut imports: Vec<String> = Vec::new();
    let mut dyn_relocs: Vec<(u64, u32, u32)> = Vec::new(); // (address, type, dynsym index)
    for s in object.sections.iter().filter(|s| s.kind == SHT_REL) {
        let target = s.info as usize;
        if target != text_index {
            let name = object.sections.get(target).map_or("?", |t: &Section| t.name.as_str());
            if name.starts_with(".eh_frame") || name.starts_with(".debug") || name.starts_with(".BTF") {
                continue;
            }
            return Err(LinkError::new(format!("relocations in `{name}` are not supported")));
        }
        for r in Object::relocations(s)? {
            // In range, so the offsets below (at most at + 12) cannot overflow.
            let at = usize::try_from(r.offset)
                .ok()
                .filter(|at| *at < text.len())
                .ok_or_else(|| LinkError::new(format!("a relocation at {} lies outside .text", r.offset)))?;
            let symbol = object
                .symbols
                .get(r.symbol as usize)
                .ok_or_else(|| LinkError::new(format!("relocation names symbol {} that does not exist", r.symbol)))?;
            match r.kind {
                R_BPF_64_64 => {
                    let base = placed
                        .get(&(symbol.section as usize))
                        .copied()
                        .ok_or_else(|| LinkError::new(format!("`lddw` of `{}` in a section that is not loaded", symbol.name)))?;
                    let addend = u64::from(u32_at(&text, at + 4)?);
                    let address = (base as u64)
                        .checked_add(symbol.value)
                        .and_then(|a| a.checked_add(addend))
                        .filter(|a| *a < MM_RODATA_START)
                        .ok_or_else(|| LinkError::new(format!("the address of `{}` overflows", symbol.name)))?
                        + MM_RODATA_START;
                    write_at(&mut text, at + 4, &(address as u32).to_le_bytes())?;
                    write_at(&mut text, at + INSN + 4, &((address >> 32) as u32).to_le_bytes())?;
                }
                R_BPF_64_32 if symbol.section == 0 => {
                    let index = match imports.iter().position(|n| *n == symbol.name) {
                        Some(i) => i,
                        None => {
                            imports.push(symbol.name.clone());
                            imports.len() - 1
                        }
                    };
                    write_at(&mut text, at + 4, &(-1i32).to_le_bytes())?;
                    dyn_relocs.push(((text_off + at) as u64, R_BPF_64_32, index as u32 + 1));
                }
                R_BPF_64_32 if symbol.section as usize == text_index => {
                    // A call to a function of this object: make it pc-relative.
                    let target_pc = (symbol.value / INSN as u64) as i64;
                    let relative = target_pc.wrapping_sub((at / INSN) as i64 + 1);
                    write_at(&mut text, at + 4, &(relative as i32).to_le_bytes())?;
                }
                other => {
                    return Err(LinkError::new(format!("relocation type {other} on `{}` is not supported", symbol.name)));
                }
            }
        }
    }
    let entry_symbol = object
        .symbols
        .iter()
        .find(|s| s.name == entry && s.section as usize == text_index)
        .ok_or_else(|| LinkError::new(format!("entry function `{entry}` is not in .text")))?;
    let entry_address = (text_off as u64)
        .checked_add(entry_symbol.value)
        .filter(|a| *a < (text_off + text.len()) as u64)
        .ok_or_else(|| LinkError::new(format!("entry function `{entry}` lies outside .text")))?;

    // Dynamic symbol and string tables: the null symbol, then one per import.
    let mut dynstr = vec![0u8];
    let mut dynsym = vec![0u8; 24];
    for name in &imports {
        let name_at = dynstr.len() as u32;
        dynstr.extend_from_slice(name.as_bytes());
        dynstr.push(0);
        put_u32(&mut dynsym, name_at);
        dynsym.push(0x12); // STB_GLOBAL, STT_FUNC
        dynsym.push(0);
        put_u16(&mut dynsym, 0); // undefined
        put_u64(&mut dynsym, 0);
        put_u64(&mut dynsym, 0);
    }
    dyn_relocs.sort_by_key(|r| r.0);
    let mut rel = Vec::new();
    for (address, kind, sym) in &dyn_relocs {
        put_u64(&mut rel, *address);
        put_u64(&mut rel, (u64::from(*sym) << 32) | u64::from(*kind));
    }

    let dynamic_off = align(rodata_off + rodata.len(), 8);
    let dynamic_len = 7 * 16;
    let dynsym_off = dynamic_off + dynamic_len;
    let dynstr_off = dynsym_off + dynsym.len();
    let rel_off = align(dynstr_off + dynstr.len(), 8);
    let mut dynamic = Vec::new();
    // DT_REL=17, DT_RELSZ=18, DT_RELENT=19, DT_SYMTAB=6, DT_STRTAB=5, DT_STRSZ=10, DT_NULL=0.
    // The loader rejects a `DT_REL` of size 0, so a program without relocations ends its table
    // early (the remaining entries are `DT_NULL` padding).
    let rel_entries = if rel.is_empty() { [(0, 0); 3] } else { [(17u64, rel_off as u64), (18, rel.len() as u64), (19, 16)] };
    for (tag, value) in
        [(6u64, dynsym_off as u64), (5, dynstr_off as u64), (10, dynstr.len() as u64)].into_iter().chain(rel_entries).chain([(0, 0)])
    {
        put_u64(&mut dynamic, tag);
        put_u64(&mut dynamic, value);
    }
    let rel_len = rel.len();
    let names: [&str; 8] = ["", ".text", ".rodata", ".dynamic", ".dynsym", ".dynstr", ".rel.dyn", ".shstrtab"];
    let mut shstrtab = Vec::new();
    let mut name_at = Vec::new();
    for n in names {
        name_at.push(shstrtab.len() as u32);
        shstrtab.extend_from_slice(n.as_bytes());
        shstrtab.push(0);
    }
    let shstrtab_off = rel_off + rel_len;
    let shoff = align(shstrtab_off + shstrtab.len(), 8);

    let mut out = Vec::with_capacity(shoff + 8 * 64);
    // ELF header.
    out.extend_from_slice(b"\x7fELF");
    out.extend_from_slice(&[2, 1, 1, 0]); // 64-bit, little endian, version 1, System V ABI
    out.extend_from_slice(&[0; 8]);
    put_u16(&mut out, 3); // ET_DYN
    put_u16(&mut out, 247); // EM_BPF
    put_u32(&mut out, 1);
    put_u64(&mut out, entry_address);
    put_u64(&mut out, 64); // program headers right after this header
    put_u64(&mut out, shoff as u64);
    put_u32(&mut out, 0); // e_flags 0: SBPF v0
    put_u16(&mut out, 64);
    put_u16(&mut out, 56);
    put_u16(&mut out, 3);
    put_u16(&mut out, 64);
    put_u16(&mut out, names.len() as u16);
    put_u16(&mut out, (names.len() - 1) as u16);
    // Program headers: PT_LOAD text (R+X), PT_LOAD read-only data, PT_DYNAMIC.
    let ro_end = rel_off + rel_len;
    for (kind, flags, off, len) in
        [(1u32, 5u32, text_off, text.len()), (1, 4, rodata_off, ro_end - rodata_off), (2, 4, dynamic_off, dynamic_len)]
    {
        put_u32(&mut out, kind);
        put_u32(&mut out, flags);
        put_u64(&mut out, off as u64);
        put_u64(&mut out, off as u64);
        put_u64(&mut out, off as u64);
        put_u64(&mut out, len as u64);
        put_u64(&mut out, len as u64);
        put_u64(&mut out, 8);
    }
    let pad = |out: &mut Vec<u8>, to: usize| out.resize(to, 0);
    pad(&mut out, text_off);
    out.extend_from_slice(&text);
    pad(&mut out, rodata_off);
    out.extend_from_slice(&rodata);
    pad(&mut out, dynamic_off);
    out.extend_from_slice(&dynamic);
    out.extend_from_slice(&dynsym);
    out.extend_from_slice(&dynstr);
    pad(&mut out, rel_off);
    out.extend_from_slice(&rel);
    out.extend_from_slice(&shstrtab);
    pad(&mut out, shoff);
    // Section headers: (name, type, flags, address/offset, size, link, info, align, entsize).
    let header =
        |kind, flags, offset, size, link, info, align, entsize| SectionHeader { kind, flags, offset, size, link, info, align, entsize };
    let headers = [
        header(0, 0, 0, 0, 0, 0, 0, 0),
        header(1, 6, text_off, text.len(), 0, 0, 8, 0),         // .text: PROGBITS, ALLOC+EXEC
        header(1, 2, rodata_off, rodata.len(), 0, 0, 8, 0),     // .rodata: PROGBITS, ALLOC
        header(6, 2, dynamic_off, dynamic_len, 5, 0, 8, 16),    // .dynamic: DYNAMIC, link .dynstr
        header(11, 2, dynsym_off, dynsym.len(), 5, 1, 8, 24),   // .dynsym: DYNSYM, link .dynstr
        header(3, 2, dynstr_off, dynstr.len(), 0, 0, 1, 0),     // .dynstr: STRTAB
        header(9, 2, rel_off, rel_len, 4, 0, 8, 16),            // .rel.dyn: REL, link .dynsym
        header(3, 0, shstrtab_off, shstrtab.len(), 0, 0, 1, 0), // .shstrtab: STRTAB
    ];
    for (i, h) in headers.iter().enumerate() {
        put_u32(&mut out, name_at.get(i).copied().unwrap_or(0));
        put_u32(&mut out, h.kind);
        put_u64(&mut out, h.flags);
        put_u64(&mut out, if h.flags & SHF_ALLOC != 0 { h.offset as u64 } else { 0 });
        put_u64(&mut out, h.offset as u64);
        put_u64(&mut out, h.size as u64);
        put_u32(&mut out, h.link);
        put_u32(&mut out, h.info);
        put_u64(&mut out, h.align);
        put_u64(&mut out, h.entsize);
    }
    imports.sort();
    Ok(Linked { so: out, imports, text_len: text.len(), rodata_len: rodata.len() })
}
