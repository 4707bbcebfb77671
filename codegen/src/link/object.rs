//! A reader for the one kind of file LLVM's BPF back end writes: a little-endian ELF64
//! relocatable object. Only what the linker needs: sections, symbols and `REL` relocations.

use super::LinkError;

pub const SHT_SYMTAB: u32 = 2;
pub const SHT_REL: u32 = 9;
pub const SHT_NOBITS: u32 = 8;
pub const SHF_WRITE: u64 = 1;
pub const SHF_ALLOC: u64 = 2;
pub const SHF_EXECINSTR: u64 = 4;

#[derive(Clone, Debug)]
pub struct Section {
    pub name: String,
    pub kind: u32,
    pub flags: u64,
    pub align: u64,
    pub data: Vec<u8>,
    /// For a relocation section: the section its relocations apply to.
    pub info: u32,
}

#[derive(Clone, Debug)]
pub struct Symbol {
    pub name: String,
    pub value: u64,
    /// The section index the symbol is defined in; 0 when undefined (an import).
    pub section: u16,
    /// `STT_*`: 0 none, 1 object, 2 function, 3 section.
    pub kind: u8,
}

#[derive(Clone, Copy, Debug)]
pub struct Relocation {
    pub offset: u64,
    pub kind: u32,
    pub symbol: u32,
}

pub struct Object {
    pub sections: Vec<Section>,
    pub symbols: Vec<Symbol>,
}

fn bytes(data: &[u8], at: usize, len: usize) -> Result<&[u8], LinkError> {
    data.get(at..at.saturating_add(len)).ok_or_else(|| LinkError::new(format!("object truncated at byte {at}")))
}

pub fn u16_at(data: &[u8], at: usize) -> Result<u16, LinkError> {
    let b = bytes(data, at, 2)?;
    Ok(u16::from_le_bytes([b.first().copied().unwrap_or(0), b.get(1).copied().unwrap_or(0)]))
}

pub fn u32_at(data: &[u8], at: usize) -> Result<u32, LinkError> {
    let mut out = [0u8; 4];
    out.copy_from_slice(bytes(data, at, 4)?);
    Ok(u32::from_le_bytes(out))
}

pub fn u64_at(data: &[u8], at: usize) -> Result<u64, LinkError> {
    let mut out = [0u8; 8];
    out.copy_from_slice(bytes(data, at, 8)?);
    Ok(u64::from_le_bytes(out))
}

fn c_string(table: &[u8], at: usize) -> String {
    let tail = table.get(at..).unwrap_or(&[]);
    let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
    String::from_utf8_lossy(tail.get(..end).unwrap_or(&[])).into_owned()
}

impl Object {
    pub fn parse(data: &[u8]) -> Result<Object, LinkError> {
        if bytes(data, 0, 4)? != b"\x7fELF" || bytes(data, 4, 2)? != [2, 1] {
            return Err(LinkError::new("not a little-endian ELF64 object"));
        }
        if u16_at(data, 16)? != 1 || u16_at(data, 18)? != 247 {
            return Err(LinkError::new("not a relocatable BPF object"));
        }
        let shoff = u64_at(data, 0x28)? as usize;
        let shentsize = u16_at(data, 0x3A)? as usize;
        let shnum = u16_at(data, 0x3C)? as usize;
        let shstrndx = u16_at(data, 0x3E)? as usize;
        let mut raw = Vec::with_capacity(shnum);
        for i in 0..shnum {
            let h = shoff.saturating_add(i.saturating_mul(shentsize));
            let (name, kind, flags) = (u32_at(data, h)?, u32_at(data, h.saturating_add(4))?, u64_at(data, h.saturating_add(8))?);
            let (offset, size) = (u64_at(data, h.saturating_add(0x18))? as usize, u64_at(data, h.saturating_add(0x20))? as usize);
            let (info, align) = (u32_at(data, h.saturating_add(0x2C))?, u64_at(data, h.saturating_add(0x30))?);
            // A NOBITS section (.bss) has no bytes in the file; it is refused later anyway, and its
            // size is not worth trusting with an allocation.
            let contents = if kind == SHT_NOBITS { Vec::new() } else { bytes(data, offset, size)?.to_vec() };
            raw.push((name, Section { name: String::new(), kind, flags, align: align.max(1), data: contents, info }));
        }
        let names = raw.get(shstrndx).map(|(_, s)| s.data.clone()).unwrap_or_default();
        let mut sections: Vec<Section> = raw
            .into_iter()
            .map(|(name, mut s)| {
                s.name = c_string(&names, name as usize);
                s
            })
            .collect();
        let mut symbols = Vec::new();
        if let Some(symtab) = sections.iter().position(|s| s.kind == SHT_SYMTAB) {
            // A symbol table's string table is the section its sh_link names; LLVM puts it at
            // `.strtab`.
            let strtab = sections.iter().find(|s| s.name == ".strtab").map(|s| s.data.clone()).unwrap_or_default();
            let table = sections.get(symtab).map(|s| s.data.clone()).unwrap_or_default();
            for entry in table.chunks_exact(24) {
                symbols.push(Symbol {
                    name: c_string(&strtab, u32_at(entry, 0)? as usize),
                    kind: entry.get(4).copied().unwrap_or(0) & 0xF,
                    section: u16_at(entry, 6)?,
                    value: u64_at(entry, 8)?,
                });
            }
        }
        sections.shrink_to_fit();
        Ok(Object { sections, symbols })
    }

    pub fn relocations(section: &Section) -> Result<Vec<Relocation>, LinkError> {
        section
            .data
            .chunks_exact(16)
            .map(|entry| {
                let info = u64_at(entry, 8)?;
                Ok(Relocation { offset: u64_at(entry, 0)?, kind: (info & 0xFFFF_FFFF) as u32, symbol: (info >> 32) as u32 })
            })
            .collect()
    }
}
